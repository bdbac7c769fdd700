"""The `flowsuite` command: serve, db, company, per-face keys, demo."""

from __future__ import annotations

import csv
import datetime as dt
import errno
import json
import os
import socket
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from flowsuite.core.errors import DomainError
from flowsuite.core.migrate import upgrade
from flowsuite.core.runtime import Runtime
from flowsuite.core.startup import SchemaNotReady, StartupRefused, unusable_database
from flowsuite.settings import Settings, get_settings
from flowsuite.tenancy import service as tenancy

console = Console()
app = typer.Typer(help="flowsuite: iFlow, ITFlow and Cflow APIs on one database.", no_args_is_help=True)
db_app = typer.Typer(help="Database schema.", no_args_is_help=True)
company_app = typer.Typer(help="Companies (tenants).", no_args_is_help=True)
itflow_app = typer.Typer(help="The ITFlow face.", no_args_is_help=True)
itflow_key_app = typer.Typer(help="ITFlow API keys.", no_args_is_help=True)
iflow_app = typer.Typer(help="The iFlow face.", no_args_is_help=True)
iflow_key_app = typer.Typer(help="iFlow API keys (the form field api_key).", no_args_is_help=True)
iflow_token_app = typer.Typer(help="iFlow access tokens (Authorization: Bearer).", no_args_is_help=True)
iflow_device_app = typer.Typer(help="iFlow RFID terminals (their serial is the access_token).", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(company_app, name="company")
app.add_typer(itflow_app, name="itflow")
itflow_app.add_typer(itflow_key_app, name="key")
app.add_typer(iflow_app, name="iflow")
iflow_app.add_typer(iflow_key_app, name="key")
iflow_app.add_typer(iflow_token_app, name="token")
iflow_app.add_typer(iflow_device_app, name="device")
admin_app = typer.Typer(help="The admin web console (/admin/).", no_args_is_help=True)
app.add_typer(admin_app, name="admin")
iflow_free_day_app = typer.Typer(help="iFlow company free days (counted like national holidays).", no_args_is_help=True)
iflow_app.add_typer(iflow_free_day_app, name="free-day")
cflow_app = typer.Typer(help="The Cflow face.", no_args_is_help=True)
cflow_workflow_app = typer.Typer(help="Cflow workflow definitions (YAML or JSON files).", no_args_is_help=True)
cflow_key_app = typer.Typer(help="The company's Cflow API key (the apikey header).", no_args_is_help=True)
cflow_user_app = typer.Typer(help="Cflow users and their user keys (the userkey header).", no_args_is_help=True)
app.add_typer(cflow_app, name="cflow")
cflow_app.add_typer(cflow_workflow_app, name="workflow")
cflow_app.add_typer(cflow_key_app, name="key")
cflow_app.add_typer(cflow_user_app, name="user")

DEMO_DATABASE = "sqlite:///flowsuite-demo.db"


def _fail(message: str) -> typer.Exit:
    console.print("[red]error:[/red] ", end="")
    # As given (no markup in a path or a URL) and on one line whatever the terminal's width.
    console.print(message, markup=False, highlight=False, soft_wrap=True)
    return typer.Exit(code=1)


def _runtime(*, require_database: bool = True) -> Runtime:
    """The runtime of the command; a database or a secret it cannot work with ends it with one line."""
    settings = get_settings()
    try:
        return tenancy.start_runtime(settings, require_database=require_database)
    except SchemaNotReady as refusal:
        hint = ""
        demo_file = DEMO_DATABASE.removeprefix("sqlite:///")
        if settings.database_url != DEMO_DATABASE and Path(demo_file).exists():
            hint = f"; `serve --demo` uses {demo_file}: FLOWSUITE_DATABASE_URL={DEMO_DATABASE} flowsuite ..."
        raise _fail(f"{refusal}{hint}") from None
    except StartupRefused as refusal:
        raise _fail(str(refusal)) from None


def _upgrade(database_url: str) -> None:
    """Applies pending migrations; a database that cannot be used ends the command with one line."""
    try:
        upgrade(database_url)
    except DBAPIError as error:
        raise _fail(str(unusable_database(database_url, error))) from None


def _check_port(host: str, port: int) -> None:
    """Ends the command if nothing can listen on host:port, before anything is written."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    try:
        with socket.socket(family, socket.SOCK_STREAM) as probe:
            # As uvicorn binds: a port held only by closing connections is free.
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind((host, port))
    except OSError as error:
        if error.errno == errno.EADDRINUSE:
            fix = "is flowsuite (or another server) already listening there? Stop it, or choose another --port"
        else:
            fix = "choose another --host or --port"
        raise _fail(f"cannot listen on {host}:{port} ({error.strerror or error}): {fix}") from None


def _parse_date(value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError as error:
        raise _fail(f"not a date (YYYY-MM-DD): {value}") from error


@contextmanager
def _session(runtime: Runtime, *, write: bool = False) -> Iterator[Session]:
    """A transaction whose domain errors end the command with their message."""
    try:
        with runtime.db.transaction(write=write) as session:
            yield session
    except DomainError as error:
        raise _fail(str(error)) from error


def _revoke(face: str, what: str, credential_id: int) -> None:
    """Revokes a credential of `face`; it stops working at once."""
    runtime = _runtime()
    with _session(runtime, write=True) as session:
        tenancy.revoke_credential(session, credential_id, face)
    console.print(f"revoked {what} {credential_id}")


def _show_secret_once(as_json: bool, payload: dict[str, object], heading: str, label: str, secret: str) -> None:
    if as_json:
        print(json.dumps(payload))
        return
    console.print(heading)
    console.print(f"  {label}: [bold green]{secret}[/bold green]")
    console.print("[yellow]Copy it now: it is not stored and cannot be shown again.[/yellow]")


def _status(revoked: bool) -> str:
    return "revoked" if revoked else "active"


def _company_table(
    company: str, columns: Sequence[str], rows: Callable[[Session, int], Iterable[Sequence[str]]]
) -> None:
    """Prints `rows(session, company_id)` of the named company as a table with `columns`."""
    runtime = _runtime()
    table = Table(*columns)
    with _session(runtime) as session:
        for row in rows(session, tenancy.company_by_name(session, company).id):
            table.add_row(*row)
    console.print(table)


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Apply every pending migration."""
    _upgrade(get_settings().database_url)
    console.print("[green]database is up to date[/green]")


@company_app.command("create")
def company_create(
    name: str, timezone: Annotated[str, typer.Option(help="IANA time zone")] = tenancy.DEFAULT_TIMEZONE
) -> None:
    """Create a company."""
    with _session(_runtime(), write=True) as session:
        company = tenancy.create_company(session, name, timezone)
        console.print(f"created company [bold]{company.name}[/bold] (id {company.id}, {company.timezone})")


@company_app.command("list")
def company_list() -> None:
    """List companies."""
    runtime = _runtime()
    table = Table("id", "name", "time zone", "created (UTC)")
    with runtime.db.transaction() as session:
        for company in tenancy.list_companies(session):
            table.add_row(str(company.id), company.name, company.timezone, str(company.created_at))
    console.print(table)


@itflow_key_app.command("create")
def itflow_key_create(
    company: Annotated[str, typer.Option(help="company name")],
    name: Annotated[str, typer.Option(help="a name for the key")],
    client_id: Annotated[int | None, typer.Option(help="limit the key to this client")] = None,
    expires: Annotated[str | None, typer.Option(help="invalid from 00:00 of this date (YYYY-MM-DD)")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print JSON only")] = False,
) -> None:
    """Create an ITFlow API key; prints the key and its decrypt password once."""
    from flowsuite.itflow.keys import create_key

    runtime = _runtime()
    expires_on = _parse_date(expires)
    with _session(runtime, write=True) as session:
        owner = tenancy.company_by_name(session, company)
        issued = create_key(
            session, runtime.secret, company_id=owner.id, name=name, client_id=client_id, expires_on=expires_on
        )
    if as_json:
        print(json.dumps({"id": issued.id, "api_key": issued.api_key, "decrypt_password": issued.decrypt_password}))
        return
    console.print(
        f"ITFlow key [bold]{name}[/bold] (id {issued.id}) for {company}"
        f"{'' if client_id is None else f', client {client_id} only'}"
    )
    console.print(f"  api_key:                  [bold green]{issued.api_key}[/bold green]")
    console.print(f"  api_key_decrypt_password: [bold green]{issued.decrypt_password}[/bold green]")
    console.print("[yellow]Copy both now: they are not stored and cannot be shown again.[/yellow]")


@itflow_key_app.command("list")
def itflow_key_list(company: Annotated[str, typer.Option(help="company name")]) -> None:
    """List a company's ITFlow keys (secrets are never shown)."""
    from flowsuite.itflow.keys import list_keys

    columns = ("id", "name", "scope", "key", "expires", "status", "last used (UTC)")
    _company_table(
        company,
        columns,
        lambda session, company_id: (
            (
                str(key.id),
                key.name,
                "all clients" if key.client_id is None else f"client {key.client_id}",
                f"************{key.hint}",
                str(key.expires_on or "never"),
                _status(key.revoked),
                str(key.last_used_at or "never"),
            )
            for key in list_keys(session, company_id)
        ),
    )


@itflow_key_app.command("revoke")
def itflow_key_revoke(key_id: Annotated[int, typer.Argument(help="the key's id")]) -> None:
    """Revoke an ITFlow key: it stops working at once."""
    _revoke("itflow", "ITFlow key", key_id)


@iflow_key_app.command("create")
def iflow_key_create(
    company: Annotated[str, typer.Option(help="company name")],
    name: Annotated[str, typer.Option(help="a name for the key")] = "API Access",
    as_json: Annotated[bool, typer.Option("--json", help="print JSON only")] = False,
) -> None:
    """Create an iFlow API key; prints it once."""
    from flowsuite.iflow.keys import create_api_key

    runtime = _runtime()
    with _session(runtime, write=True) as session:
        owner = tenancy.company_by_name(session, company)
        issued = create_api_key(session, runtime.secret, company_id=owner.id, name=name)
    heading = f"iFlow API key [bold]{name}[/bold] (id {issued.id}) for {company}"
    _show_secret_once(as_json, {"id": issued.id, "api_key": issued.secret}, heading, "api_key", issued.secret)


@iflow_key_app.command("list")
def iflow_key_list(company: Annotated[str, typer.Option(help="company name")]) -> None:
    """List a company's iFlow API keys (secrets are never shown)."""
    from flowsuite.iflow.keys import KEY_FACE

    _company_table(
        company,
        ("id", "name", "key", "status", "last used (UTC)"),
        lambda session, company_id: (
            (
                str(key.id),
                key.name,
                f"************{key.secret_hint}",
                _status(key.revoked_at is not None),
                str(key.last_used_at or "never"),
            )
            for key in tenancy.list_credentials(session, company_id, KEY_FACE)
        ),
    )


@iflow_key_app.command("revoke")
def iflow_key_revoke(key_id: Annotated[int, typer.Argument(help="the key's id")]) -> None:
    """Revoke an iFlow API key: it stops working at once."""
    from flowsuite.iflow.keys import KEY_FACE

    _revoke(KEY_FACE, "iFlow key", key_id)


@iflow_token_app.command("create")
def iflow_token_create(
    company: Annotated[str, typer.Option(help="company name")],
    label: Annotated[str, typer.Option(help="a label for the token")],
    admin: Annotated[str, typer.Option(help="the administrator the token is assigned to")] = "",
    as_json: Annotated[bool, typer.Option("--json", help="print JSON only")] = False,
) -> None:
    """Create an iFlow access token (sent as Authorization: Bearer); prints it once."""
    from flowsuite.iflow.keys import create_access_token

    runtime = _runtime()
    with _session(runtime, write=True) as session:
        owner = tenancy.company_by_name(session, company)
        issued = create_access_token(
            session, runtime.secret, company_id=owner.id, label=label, administrator_name=admin
        )
    heading = f"iFlow access token [bold]{label}[/bold] (id {issued.id}) for {company}"
    _show_secret_once(as_json, {"id": issued.id, "token": issued.secret}, heading, "token", issued.secret)


@iflow_token_app.command("list")
def iflow_token_list(company: Annotated[str, typer.Option(help="company name")]) -> None:
    """List a company's iFlow access tokens (secrets are never shown)."""
    from flowsuite.iflow.keys import list_tokens

    _company_table(
        company,
        ("id", "label", "administrator", "token", "status"),
        lambda session, company_id: (
            (str(token.id), token.label, token.administrator_name, f"************{token.hint}", _status(token.revoked))
            for token in list_tokens(session, company_id)
        ),
    )


@iflow_token_app.command("revoke")
def iflow_token_revoke(token_id: Annotated[int, typer.Argument(help="the token's id")]) -> None:
    """Revoke an iFlow access token: it stops working at once."""
    from flowsuite.iflow.keys import TOKEN_FACE

    _revoke(TOKEN_FACE, "iFlow token", token_id)


@iflow_app.command("settings")
def iflow_settings(
    company: Annotated[str, typer.Option(help="company name")],
    strict_cnp: Annotated[
        bool | None, typer.Option("--strict-cnp/--lenient-cnp", help="refuse CNPs failing their check, or warn")
    ] = None,
    reset_limit_hours: Annotated[int | None, typer.Option(help="close a check-in left open this long")] = None,
    daily_norm_hours: Annotated[int | None, typer.Option(help="a new employee's daily norm")] = None,
) -> None:
    """Show a company's iFlow settings, changing those given."""
    from flowsuite.iflow.services.company import configure

    runtime = _runtime()
    with _session(runtime, write=True) as session:
        owner = tenancy.company_by_name(session, company)
        settings = configure(
            session,
            owner.id,
            strict_cnp=strict_cnp,
            reset_limit_hours=reset_limit_hours,
            daily_norm_hours=daily_norm_hours,
        )
        console.print(f"iFlow settings of {company}:")
        console.print(f"  CNP check:            {'strict (refuse)' if settings.strict_cnp else 'lenient (warn)'}")
        console.print(f"  check-in reset limit: {settings.checkin_reset_limit_hours} h")
        console.print(f"  daily norm:           {settings.daily_norm_hours} h")


@iflow_free_day_app.command("add")
def iflow_free_day_add(
    company: Annotated[str, typer.Option(help="company name")],
    day: Annotated[str, typer.Argument(help="the date, YYYY-MM-DD")],
    name: Annotated[str, typer.Option(help="what the day is, e.g. Company anniversary")] = "",
) -> None:
    """Add a company free day."""
    from flowsuite.iflow.services.company import add_free_day

    when = _parse_date(day)
    assert when is not None
    runtime = _runtime()
    with _session(runtime, write=True) as session:
        add_free_day(session, tenancy.company_by_name(session, company).id, when, name)
    console.print(f"{when.isoformat()} is a free day for {company}")


@iflow_free_day_app.command("list")
def iflow_free_day_list(
    company: Annotated[str, typer.Option(help="company name")],
    year: Annotated[int | None, typer.Option(help="only this year")] = None,
) -> None:
    """List a company's free days (national holidays come from the holidays library, not this list)."""
    from flowsuite.iflow.services.company import list_free_days

    _company_table(
        company,
        ("date", "name"),
        lambda session, company_id: (
            (free_day.day.isoformat(), free_day.name) for free_day in list_free_days(session, company_id, year)
        ),
    )


@iflow_free_day_app.command("remove")
def iflow_free_day_remove(
    company: Annotated[str, typer.Option(help="company name")],
    day: Annotated[str, typer.Argument(help="the date, YYYY-MM-DD")],
) -> None:
    """Remove a company free day."""
    from flowsuite.iflow.services.company import remove_free_day

    when = _parse_date(day)
    assert when is not None
    runtime = _runtime()
    with _session(runtime, write=True) as session:
        remove_free_day(session, tenancy.company_by_name(session, company).id, when)
    console.print(f"{when.isoformat()} is no longer a free day for {company}")


@iflow_device_app.command("add")
def iflow_device_add(
    company: Annotated[str, typer.Option(help="company name")],
    serial: Annotated[str, typer.Option(help="the serial printed on the terminal")],
    name: Annotated[str, typer.Option(help="a name for the terminal, e.g. its door")] = "",
) -> None:
    """Register an RFID terminal; it sends its serial as access_token."""
    from flowsuite.iflow.keys import add_device

    runtime = _runtime()
    with _session(runtime, write=True) as session:
        owner = tenancy.company_by_name(session, company)
        device = add_device(session, runtime.secret, company_id=owner.id, serial=serial, name=name)
        console.print(f"added RFID device [bold]{device.name}[/bold] (id {device.id}) for {company}")


@iflow_device_app.command("list")
def iflow_device_list(company: Annotated[str, typer.Option(help="company name")]) -> None:
    """List a company's RFID terminals (serials are never shown)."""
    from flowsuite.iflow.keys import list_devices

    _company_table(
        company,
        ("id", "name", "serial", "status"),
        lambda session, company_id: (
            (str(device.id), device.name, f"********{device.hint}", _status(device.revoked))
            for device in list_devices(session, company_id)
        ),
    )


@iflow_device_app.command("remove")
def iflow_device_remove(
    company: Annotated[str, typer.Option(help="company name")],
    device_id: Annotated[int, typer.Argument(help="the device's id")],
) -> None:
    """Revoke an RFID terminal: its serial stops working at once (its past scans stay)."""
    from flowsuite.iflow.keys import remove_device

    runtime = _runtime()
    with _session(runtime, write=True) as session:
        owner = tenancy.company_by_name(session, company)
        remove_device(session, owner.id, device_id)
    console.print(f"removed RFID device {device_id}")


@iflow_app.command("import-employees")
def iflow_import_employees(
    company: Annotated[str, typer.Option(help="company name")],
    file: Annotated[Path, typer.Argument(help="CSV file whose header names sync fields", exists=True, dir_okay=False)],
) -> None:
    """Create or update employees from a CSV file, row by row, with user/sync's rules."""
    from rich.progress import track

    from flowsuite.iflow.importing import import_employees, read_rows

    runtime = _runtime()
    with _session(runtime) as session:
        company_id = tenancy.company_by_name(session, company).id
    try:
        rows = read_rows(file)
    except (UnicodeDecodeError, csv.Error) as error:
        raise _fail(f"cannot read {file}: {error}") from error
    summary = import_employees(
        runtime.db, company_id, rows, lambda items: iter(track(items, description="Importing", console=console))
    )
    for outcome in summary.warned():
        console.print(f"[yellow]line {outcome.line}: warning:[/yellow] {'; '.join(outcome.messages)}")
    for outcome in summary.rejected():
        console.print(f"[red]line {outcome.line}: rejected:[/red] {'; '.join(outcome.messages)}")
    console.print(
        f"created {summary.count('created')}, updated {summary.count('updated')}, rejected {summary.count('rejected')}"
    )


@admin_app.command("create-user")
def admin_create_user(
    company: Annotated[str, typer.Option(help="company name")],
    email: Annotated[str, typer.Option(help="the address the person signs in with")],
    name: Annotated[str, typer.Option(help="the person's name")] = "",
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="read the password from standard input instead of making one")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="print JSON only")] = False,
) -> None:
    """Create a console user of a company; prints the new password once (unless it came on stdin)."""
    from flowsuite.admin.services.accounts import create_user

    given = sys.stdin.readline().rstrip("\n") if password_stdin else None
    runtime = _runtime()
    with _session(runtime, write=True) as session:
        owner = tenancy.company_by_name(session, company)
        user, password = create_user(session, company_id=owner.id, email=email, name=name, password=given)
    heading = f"Console user [bold]{user.email}[/bold] (id {user.id}) for {company}: sign in at /admin/"
    if given is not None:
        if as_json:
            print(json.dumps({"id": user.id, "email": user.email}))
        else:
            console.print(heading)
        return
    _show_secret_once(
        as_json, {"id": user.id, "email": user.email, "password": password}, heading, "password", password
    )


@admin_app.command("list-users")
def admin_list_users(company: Annotated[str, typer.Option(help="company name")]) -> None:
    """List a company's console users."""
    from flowsuite.admin.services.accounts import list_users

    _company_table(
        company,
        ("id", "e-mail", "name", "status", "last sign-in (UTC)"),
        lambda session, company_id: (
            (
                str(user.id),
                user.email,
                user.name,
                "active" if user.is_active else "disabled",
                str(user.last_sign_in_at or "never"),
            )
            for user in list_users(session, company_id)
        ),
    )


@cflow_workflow_app.command("import")
def cflow_workflow_import(
    file: Annotated[Path, typer.Argument(help="the definition, YAML or JSON", exists=True, dir_okay=False)],
    company: Annotated[str, typer.Option(help="company name")],
) -> None:
    """Create a workflow from a definition file, or update the one of the same name (records keep their stage)."""
    from flowsuite.cflow.definitions import InvalidDefinition, read_definition
    from flowsuite.cflow.services.workflows import import_workflow

    try:
        definition = read_definition(file.read_text(encoding="utf-8"))
    except (InvalidDefinition, UnicodeDecodeError) as error:
        problems = error.problems if isinstance(error, InvalidDefinition) else [f"not UTF-8 text: {error}"]
        for problem in problems:
            console.print(f"[red]{file.name}:[/red] {problem}")
        raise _fail(f"{file.name} was not imported ({len(problems)} problem(s))") from error
    runtime = _runtime()
    with _session(runtime, write=True) as session:
        outcome = import_workflow(session, tenancy.company_by_name(session, company).id, definition)
    verb = "created" if outcome.created else f"updated (revision {outcome.revision})"
    console.print(f"workflow [bold]{definition.name}[/bold] {verb} for {company}")
    for stage_id, name in outcome.stages:
        console.print(f"  group_id {stage_id}: {name}")


@cflow_workflow_app.command("list")
def cflow_workflow_list(company: Annotated[str, typer.Option(help="company name")]) -> None:
    """List a company's Cflow workflows, their stages and how many records each holds."""
    from flowsuite.cflow.services.workflows import list_workflows

    _company_table(
        company,
        ("WorkflowName", "display name", "initiators", "stages", "records"),
        lambda session, company_id: (
            (w.name, w.display_name, ", ".join(w.initiators), " -> ".join(w.stages), str(w.records))
            for w in list_workflows(session, company_id)
        ),
    )


@cflow_key_app.command("create")
def cflow_key_create(
    company: Annotated[str, typer.Option(help="company name")],
    as_json: Annotated[bool, typer.Option("--json", help="print JSON only")] = False,
) -> None:
    """Issue the company's Cflow API key, printed once; a previous key stops working."""
    from flowsuite.cflow.keys import create_api_key

    runtime = _runtime()
    with _session(runtime, write=True) as session:
        issued = create_api_key(session, runtime.secret, company_id=tenancy.company_by_name(session, company).id)
    heading = f"Cflow API key (id {issued.id}) for {company}; any previous key is revoked"
    _show_secret_once(as_json, {"id": issued.id, "apikey": issued.secret}, heading, "apikey", issued.secret)


@cflow_user_app.command("create")
def cflow_user_create(
    company: Annotated[str, typer.Option(help="company name")],
    username: Annotated[str, typer.Option(help="login or email address (the username header)")],
    role: Annotated[str, typer.Option(help="a role that stages name as role:ROLE")] = "",
    as_json: Annotated[bool, typer.Option("--json", help="print JSON only")] = False,
) -> None:
    """Create a Cflow user; prints its user key once."""
    from flowsuite.cflow.keys import create_user

    runtime = _runtime()
    with _session(runtime, write=True) as session:
        owner = tenancy.company_by_name(session, company)
        issued = create_user(session, runtime.secret, company_id=owner.id, username=username, role=role)
    payload = {"id": issued.id, "username": username.strip().lower(), "userkey": issued.secret}
    heading = f"Cflow user [bold]{username.strip().lower()}[/bold] (id {issued.id}) for {company}"
    _show_secret_once(as_json, payload, heading, "userkey", issued.secret)


@cflow_user_app.command("list")
def cflow_user_list(company: Annotated[str, typer.Option(help="company name")]) -> None:
    """List a company's Cflow users (user keys are never shown)."""
    from flowsuite.cflow.keys import list_users

    _company_table(
        company,
        ("id", "username", "role", "user key"),
        lambda session, company_id: (
            (str(u.id), u.username, u.role, f"************{u.user_key_hint}") for u in list_users(session, company_id)
        ),
    )


@app.command("demo")
def demo(
    base_url: Annotated[str, typer.Option(help="where the server will listen")] = "http://127.0.0.1:8000",
) -> None:
    """Create a demo company with realistic data and print its keys and ready-to-paste curl commands."""
    from flowsuite.demo import create_demo

    _upgrade(get_settings().database_url)
    create_demo(_runtime(), console, base_url)


@app.command("serve")
def serve(
    host: Annotated[str, typer.Option(help="address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="port to listen on")] = 8000,
    workers: Annotated[int, typer.Option(help="worker processes")] = 1,
    with_demo: Annotated[bool, typer.Option("--demo", help=f"serve demo data from {DEMO_DATABASE}")] = False,
    new_keys: Annotated[
        bool, typer.Option("--new-keys", help="with --demo: issue the existing demo new keys and console password")
    ] = False,
    migrate: Annotated[bool, typer.Option(help="apply pending migrations before serving")] = True,
) -> None:
    """Run the HTTP server."""
    import uvicorn

    from flowsuite.core.logs import logging_config
    from flowsuite.core.tcp import NoDelayHttpToolsProtocol

    _check_port(host, port)
    if with_demo:
        os.environ["FLOWSUITE_DATABASE_URL"] = DEMO_DATABASE
        get_settings.cache_clear()
    settings: Settings = get_settings()
    if migrate or with_demo:
        _upgrade(settings.database_url)
    # The checks of the server's start, made here so that a refusal is one line rather than the server's
    # traceback. Without migrations the server may start before its database answers.
    runtime = _runtime(require_database=migrate or with_demo)
    try:
        if with_demo:
            _serve_demo(runtime, f"http://{host}:{port}", new_keys=new_keys)
    finally:
        runtime.db.dispose()
    uvicorn.run(
        "flowsuite.app:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level=settings.log_level,
        log_config=logging_config(settings),
        # flowsuite writes its own access line (FLOWSUITE_ACCESS_LOG), without the query string: core.asgi.
        access_log=False,
        # The standard asyncio loop, not uvloop: under load uvloop let some connections wait far longer at
        # the same throughput (bench/README.md).
        loop="asyncio",
        http=NoDelayHttpToolsProtocol,
    )


def _serve_demo(runtime: Runtime, base_url: str, *, new_keys: bool) -> None:
    """Creates the demo on its first serve and prints its keys; later, keeps them (they are not stored, so
    they cannot be shown again) unless `new_keys` asks for new ones."""
    from flowsuite.demo import create_demo, demo_exists

    if new_keys or not demo_exists(runtime):
        create_demo(runtime, console, base_url)
        return
    file = DEMO_DATABASE.removeprefix("sqlite:///")
    console.print(
        f"The demo in {file} exists: its keys and console password were shown when it was made, and are not "
        "stored. `flowsuite serve --demo --new-keys` issues new ones (the previous Cflow key and console password "
        f"stop working); deleting {file} starts afresh.",
        markup=False,
        highlight=False,
        soft_wrap=True,
    )


def main() -> None:
    app()
