"""ITFlow API v1 (`/api/v1/<module>/<function>.php`) and the legacy `/api.php`, sync and async.

    with ITFlowClient("https://itflow.example.com", api_key) as itflow:
        for asset in itflow.assets.iter(asset_type="Laptop"):
            print(asset["asset_id"], asset["asset_name"], asset["asset_purchase_date"])
        ticket_id = itflow.tickets.create(client_id=1, ticket_subject="Printer offline")

Every module is an attribute (`clients`, `contacts`, `credentials`, `tickets`, `ticket_replies`,
`assets`, `certificates`, `domains`, `networks`, `software`) with the functions ITFlow gives it; reads
return typed rows (see `itflow_rows`), creates the new id, the other writes ITFlow's count. A failed
write raises ITFlowError with ITFlow's message; a read that finds nothing returns an empty list.
"""

from __future__ import annotations

import datetime as dt
import typing
import xml.etree.ElementTree as ET
from collections.abc import AsyncIterator, Callable, Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, Generic, TypeVar

import httpx

from flowsuite_client._core import (
    DEFAULT_TIMEOUT,
    AsyncClient,
    AsyncRunner,
    Bound,
    Call,
    Request,
    RetryPolicy,
    SyncClient,
    SyncRunner,
    async_call,
    json_body,
    refuse_html,
    sync_call,
)
from flowsuite_client.errors import AuthenticationFailed, ITFlowError, UnexpectedResponse
from flowsuite_client.itflow_rows import (
    Asset,
    Certificate,
    Client,
    Contact,
    Credential,
    Domain,
    Network,
    Software,
    Ticket,
    TicketReply,
    convert_row,
)

R = TypeVar("R")
F = TypeVar("F")
T = TypeVar("T")

NO_RESOURCE = "No resource (for this client and company) with the specified parameter(s)."
DECRYPT_PASSWORD = "api_key_decrypt_password"
# What a filter or a field may be given as; `to_wire` writes each the way ITFlow reads it.
FieldValue = str | int | float | Decimal | bool | dt.date | dt.datetime | dt.timedelta | None


@dataclass(frozen=True, slots=True)
class ModuleSpec(Generic[R]):
    """One ITFlow module: its id column, its row type and its read filters (the first present one wins)."""

    name: str
    pk: str
    row_type: type[R]
    filters: tuple[str, ...]
    # Filters that name one record (or whose matches the original does not page): read once, never paged.
    unpaged: tuple[str, ...] = ()


CLIENTS = ModuleSpec("clients", "client_id", Client, ("client_name",), ("client_name",))
CONTACTS = ModuleSpec(
    "contacts",
    "contact_id",
    Contact,
    ("contact_id", "contact_email", "contact_phone_or_mobile"),
    ("contact_id", "contact_email", "contact_phone_or_mobile"),
)
CREDENTIALS = ModuleSpec("credentials", "credential_id", Credential, ("credential_id",), ("credential_id",))
TICKETS = ModuleSpec("tickets", "ticket_id", Ticket, ("ticket_id",), ("ticket_id",))
TICKET_REPLIES = ModuleSpec(
    "ticket_replies",
    "ticket_reply_id",
    TicketReply,
    ("ticket_reply_id", "ticket_id", "type", "include_archived"),
    ("ticket_reply_id",),
)
ASSETS = ModuleSpec(
    "assets",
    "asset_id",
    Asset,
    ("asset_id", "asset_type", "asset_name", "asset_serial", "asset_mac", "asset_uri", "asset_uri_2"),
    ("asset_id",),
)
DOMAINS = ModuleSpec("domains", "domain_id", Domain, ("domain_id", "domain_name"), ("domain_id",))
NETWORKS = ModuleSpec("networks", "network_id", Network, ("network_id", "network_name"), ("network_id",))
SOFTWARE = ModuleSpec(
    "software",
    "software_id",
    Software,
    ("software_id", "software_key", "software_name", "software_type"),
    ("software_id",),
)
CERTIFICATES = ModuleSpec(
    "certificates", "certificate_id", Certificate, ("certificate_id", "certificate_name"), ("certificate_id",)
)
MODULES: tuple[ModuleSpec[Any], ...] = (
    CLIENTS,
    CONTACTS,
    CREDENTIALS,
    TICKETS,
    TICKET_REPLIES,
    ASSETS,
    CERTIFICATES,
    DOMAINS,
    NETWORKS,
    SOFTWARE,
)


def to_wire(value: FieldValue) -> str | int | float:
    """A value as ITFlow reads it: flags as 0/1, dates as YYYY-MM-DD, durations as H:MM:SS, amounts as text."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int | float | str):
        return value
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        minutes, seconds = divmod(int(value.total_seconds()), 60)
        return f"{minutes // 60}:{minutes % 60:02d}:{seconds:02d}"
    return str(value)


def present(values: Mapping[str, FieldValue]) -> dict[str, str | int | float]:
    """The values that were given, in wire form (None means "not sent", as a JSON null does to ITFlow)."""
    return {name: to_wire(value) for name, value in values.items() if value is not None}


# ---- replies ---------------------------------------------------------------------------------------


def envelope(response: httpx.Response) -> dict[str, Any]:
    """ITFlow's `{"success": ...}` object; AuthenticationFailed for a 401, UnexpectedResponse for anything else."""
    if response.status_code == 401 and not response.content:
        raise AuthenticationFailed("ITFlow answered 401 with no body: no api_key reached it", 401)
    if response.status_code >= 500 and not response.content:
        # How the original answers a failed SQL statement (an invalid date, a negative limit, ...).
        raise ITFlowError(
            f"HTTP {response.status_code} with an empty body: the server failed on this input", response.status_code
        )
    body = json_body(response)
    if not isinstance(body, dict) or "success" not in body:
        raise UnexpectedResponse(f"not an ITFlow answer (no `success`): {str(body)[:200]}", response.status_code)
    if str(body["success"]) != "True" and response.status_code == 401:
        raise AuthenticationFailed(str(body.get("message", "")), 401)
    return body


def failure(response: httpx.Response, body: Mapping[str, Any]) -> ITFlowError:
    """The error for a `success: "False"` answer; flowsuite adds the precise reason in a header."""
    return ITFlowError(
        str(body.get("message", "")), response.status_code, reason=response.headers.get("x-flowsuite-reason")
    )


def rows_parser(row_type: type[R]) -> Callable[[httpx.Response], list[R]]:
    def parse(response: httpx.Response) -> list[R]:
        body = envelope(response)
        if str(body["success"]) != "True":
            if body.get("message") == NO_RESOURCE and response.status_code == 200:
                return []
            raise failure(response, body)
        data = body.get("data")
        if not isinstance(data, list):
            raise UnexpectedResponse(f"a read without a `data` list: {str(body)[:200]}", response.status_code)
        return [convert_row(row_type, row) for row in data]

    return parse


def parse_insert_id(response: httpx.Response) -> int:
    body = envelope(response)
    if str(body["success"]) != "True":
        raise failure(response, body)
    try:
        return int(body["data"][0]["insert_id"])
    except (KeyError, IndexError, TypeError, ValueError):
        raise UnexpectedResponse(f"a create without an insert_id: {str(body)[:200]}", response.status_code) from None


def parse_count(response: httpx.Response) -> int:
    body = envelope(response)
    if str(body["success"]) != "True":
        raise failure(response, body)
    return int(body.get("count", 0))


# ---- request builders (shared by the sync and async clients) ----------------------------------------


@dataclass(frozen=True, slots=True)
class Auth:
    """What every request of one client carries."""

    api_key: str
    decrypt_password: str | None

    @classmethod
    def of(cls, api_key: str, decrypt_password: str | None) -> Auth:
        if not api_key:
            raise ValueError("api_key must not be empty")
        return cls(api_key, decrypt_password)


class ModuleCalls(Generic[R]):
    """The Calls of one module's functions; the clients' module objects send them."""

    def __init__(self, spec: ModuleSpec[R], auth: Auth) -> None:
        self.spec = spec
        self.auth = auth

    def _path(self, function: str) -> str:
        return f"/api/v1/{self.spec.name}/{function}.php"

    def _secret_body(self) -> dict[str, str]:
        # Credentials need the decrypt password; ITFlow 26.08 reads it only from the JSON body.
        if self.spec is not CREDENTIALS:
            return {}
        if self.auth.decrypt_password is None:
            raise ValueError("credentials need the key's decrypt password: ITFlowClient(..., decrypt_password=...)")
        return {DECRYPT_PASSWORD: self.auth.decrypt_password}

    def _write(self, function: str, values: Mapping[str, FieldValue], parse: Callable[[httpx.Response], T]) -> Call[T]:
        body = {"api_key": self.auth.api_key, **self._secret_body(), **present(values)}
        return Call(Request("POST", self._path(function), json=body), parse)

    def check_filters(self, filters: Mapping[str, FieldValue]) -> None:
        unknown = sorted(set(filters) - set(self.spec.filters))
        if unknown:
            raise TypeError(
                f"{self.spec.name}/read has no filter {', '.join(unknown)} (it has {', '.join(self.spec.filters)})"
            )

    def read(
        self,
        /,
        *,
        client_id: int | None = None,
        limit: int | None = None,
        offset: int | None = None,
        **filters: FieldValue,
    ) -> Call[list[R]]:
        """The module's rows matching one filter (the first given, in ITFlow's order), one page of them.

        `client_id` narrows an all-clients key's read; `limit` (ITFlow's default 50) and `offset` page it.
        Nothing found is an empty list.
        """
        self.check_filters(filters)
        params = {"api_key": self.auth.api_key}
        params.update({k: str(v) for k, v in present({**filters, "client_id": client_id}).items()})
        params.update({k: str(v) for k, v in present({"limit": limit, "offset": offset}).items()})
        secret = self._secret_body()
        request = Request("GET", self._path("read"), params=params, json=secret or None, idempotent=True)
        return Call(request, rows_parser(self.spec.row_type))

    def get(self, record_id: int, /) -> Call[R | None]:
        """The record with this id, or None."""
        call = self.read(**{self.spec.pk: record_id})
        pk = self.spec.pk

        def parse(response: httpx.Response) -> R | None:
            # clients/read has no id filter in ITFlow 26.08 (flowsuite reads client_id as one), so the row is
            # picked out rather than assumed to be the first.
            return next((row for row in call.parse(response) if typing.cast(Any, row)[pk] == record_id), None)

        return Call(call.request, parse)

    def create(self, /, **fields: FieldValue) -> Call[int]:
        """Creates a record from ITFlow's fields (`client_id` names the client for an all-clients key); the new id."""
        return self._write("create", fields, parse_insert_id)

    def update(self, record_id: int, /, **fields: FieldValue) -> Call[int]:
        """Updates the record's given fields; ITFlow's count (1)."""
        return self._write("update", {**fields, self.spec.pk: record_id}, parse_count)

    def _by_id(self, function: str, record_id: int, client_id: int | None) -> Call[int]:
        # The id last: for the clients module, the record's id *is* client_id.
        values = {"client_id": client_id, self.spec.pk: record_id}
        return self._write(function, values, parse_count)

    def delete(self, record_id: int, /, *, client_id: int | None = None) -> Call[int]:
        """Deletes the record; ITFlow's count (1)."""
        return self._by_id("delete", record_id, client_id)

    def archive(self, record_id: int, /, *, client_id: int | None = None) -> Call[int]:
        """Archives the record (it stays readable, with its `*_archived_at` set); ITFlow's count."""
        return self._by_id("archive", record_id, client_id)

    def unarchive(self, record_id: int, /, *, client_id: int | None = None) -> Call[int]:
        """Clears the record's archive date; ITFlow's count."""
        return self._by_id("unarchive", record_id, client_id)

    def resolve(self, record_id: int, /, *, client_id: int | None = None) -> Call[int]:
        """tickets/resolve: status 4 (Resolved); refused (ITFlowError) if the ticket is resolved already."""
        return self._by_id("resolve", record_id, client_id)

    def pager(self, page_size: int, filters: Mapping[str, FieldValue]) -> Pager:
        if page_size < 1:
            raise ValueError("page_size must be at least 1")
        unpaged = any(name in self.spec.unpaged for name, value in filters.items() if value is not None)
        return Pager(page_size, self.spec.pk, unpaged)


class Pager:
    """Where the next page of an `iter` starts, until the server has no more rows."""

    def __init__(self, page_size: int, pk: str, unpaged: bool) -> None:
        self.page_size = page_size
        self.pk = pk
        self.unpaged = unpaged
        self.offset: int | None = 0
        self.seen: set[Any] = set()

    def feed(self, rows: list[Any]) -> list[Any]:
        """The rows of the page just read that are new; sets the next offset (None when done)."""
        assert self.offset is not None
        fresh = [row for row in rows if row.get(self.pk) not in self.seen]
        self.seen.update(row.get(self.pk) for row in fresh)
        # A short page is the last; a page of rows already seen means the server ignores offset here.
        done = self.unpaged or len(rows) < self.page_size or not fresh
        self.offset = None if done else self.offset + len(rows)
        return fresh


# ---- legacy /api.php --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PhonebookEntry:
    """One entry of the XML phonebook: group 0 are clients' primary contacts, group 1 vendors."""

    name: str
    number: str
    group: int


@dataclass(frozen=True, slots=True)
class ClientEmail:
    """One line of `client_emails`: a client and its primary contact."""

    client_name: str
    contact_name: str
    contact_email: str


def legacy_text(response: httpx.Response) -> str:
    """The plain-text answer of /api.php; its refusals (401, 400, 404) as exceptions with their text."""
    refuse_html(response)
    if response.status_code == 401:
        raise AuthenticationFailed(response.text.strip(), 401)
    if response.status_code != 200:
        raise ITFlowError(response.text.strip() or f"HTTP {response.status_code}", response.status_code)
    return response.text


def parse_caller(response: httpx.Response) -> str | None:
    # "<name> - <digits>", and " - <digits>" when nobody has the number: the digits hold no "-".
    name = legacy_text(response).rsplit("-", 1)[0].strip()
    return name or None


def parse_phonebook(response: httpx.Response) -> list[PhonebookEntry]:
    try:
        root = ET.fromstring(legacy_text(response))
    except ET.ParseError as error:
        raise UnexpectedResponse(f"the phonebook is not XML: {error}", response.status_code) from None
    return [
        PhonebookEntry(
            contact.findtext("LastName", ""),
            contact.findtext("Phone/phonenumber", ""),
            int(contact.findtext("Groups/groupid", "0")),
        )
        for contact in root.iter("Contact")
    ]


def parse_client_emails(response: httpx.Response) -> list[ClientEmail]:
    entries = []
    for line in legacy_text(response).replace("<br>", "\n").splitlines():
        if not line.strip():
            continue
        # "<client> - <contact> - <email>": an address has no " - ", so it is the last part.
        rest, _, email = line.rpartition(" - ")
        client_name, _, contact_name = rest.partition(" - ")
        entries.append(ClientEmail(client_name, contact_name, email.strip()))
    return entries


def parse_balance(response: httpx.Response) -> Decimal:
    answer = legacy_text(response).strip()
    try:
        return Decimal(answer)
    except InvalidOperation:
        raise UnexpectedResponse(f"a balance that is not a number: {answer[:200]!r}", response.status_code) from None


def parse_asset_added(response: httpx.Response) -> None:
    answer = legacy_text(response).strip()
    if answer != "Asset added!":
        raise ITFlowError(f"the asset was not added: {answer[:200]!r}", response.status_code)


class LegacyCalls:
    """The Calls of ITFlow's first API, `/api.php` (plain-text answers, the key in the query string)."""

    def __init__(self, auth: Auth) -> None:
        self.auth = auth

    def _get(self, params: Mapping[str, FieldValue], parse: Callable[[httpx.Response], T], reads: bool) -> Call[T]:
        query = {"api_key": self.auth.api_key, **{k: str(v) for k, v in present(params).items()}}
        return Call(Request("GET", "/api.php", params=query, idempotent=reads), parse)

    def caller_id(self, phone_number: str, /) -> Call[str | None]:
        """The name of whoever has this phone number (contact, location, vendor), or None."""
        return self._get({"cid": phone_number}, parse_caller, reads=True)

    def phonebook(self, /) -> Call[list[PhonebookEntry]]:
        """The XML phonebook, parsed."""
        return self._get({"phonebook": ""}, parse_phonebook, reads=True)

    def client_emails(self, /) -> Call[list[ClientEmail]]:
        """Every client's primary contact and address."""
        return self._get({"client_emails": ""}, parse_client_emails, reads=True)

    def balance(self, client_id: int, /) -> Call[Decimal]:
        """The client's account balance: open invoices minus payments."""
        return self._get({"client_id": client_id}, parse_balance, reads=True)

    def add_asset(
        self,
        client_id: int,
        name: str,
        /,
        *,
        type: str | None = None,
        make: str | None = None,
        model: str | None = None,
        serial: str | None = None,
        os: str | None = None,
    ) -> Call[None]:
        """Adds an asset to the client (ITFlow answers no id)."""
        params: dict[str, FieldValue] = {"client_id": client_id, "add_asset": name, "type": type, "make": make}
        params.update({"model": model, "serial": serial, "os": os})
        return self._get(params, parse_asset_added, reads=False)


# ---- sync and async faces -----------------------------------------------------------------------------


class ReadModule(Bound[SyncRunner, ModuleCalls[R]], Generic[R]):
    """A module's read, get, iter and create (ticket_replies has only these)."""

    read = sync_call(ModuleCalls[R].read)
    get = sync_call(ModuleCalls[R].get)
    create = sync_call(ModuleCalls[R].create)

    def iter(self, *, page_size: int = 50, client_id: int | None = None, **filters: FieldValue) -> Iterator[R]:
        """Every matching row, read `page_size` at a time with limit/offset until the server has no more."""
        pager = self._calls.pager(page_size, filters)
        while pager.offset is not None:
            call = self._calls.read(client_id=client_id, limit=page_size, offset=pager.offset, **filters)
            yield from pager.feed(self._runner.run(call))


class Module(ReadModule[R]):
    """A module with read, get, iter, create, update and delete."""

    update = sync_call(ModuleCalls[R].update)
    delete = sync_call(ModuleCalls[R].delete)


class ArchivableModule(Module[R]):
    """clients and contacts: a module that also archives and unarchives."""

    archive = sync_call(ModuleCalls[R].archive)
    unarchive = sync_call(ModuleCalls[R].unarchive)


class TicketsModule(Module[Ticket]):
    """tickets: a module that also resolves."""

    resolve = sync_call(ModuleCalls[Ticket].resolve)


class Legacy(Bound[SyncRunner, LegacyCalls]):
    """`/api.php`: caller ID, phonebook, client emails, balance, add asset."""

    caller_id = sync_call(LegacyCalls.caller_id)
    phonebook = sync_call(LegacyCalls.phonebook)
    client_emails = sync_call(LegacyCalls.client_emails)
    balance = sync_call(LegacyCalls.balance)
    add_asset = sync_call(LegacyCalls.add_asset)


class AsyncReadModule(Bound[AsyncRunner, ModuleCalls[R]], Generic[R]):
    """The async counterpart of ReadModule."""

    read = async_call(ModuleCalls[R].read)
    get = async_call(ModuleCalls[R].get)
    create = async_call(ModuleCalls[R].create)

    async def iter(
        self, *, page_size: int = 50, client_id: int | None = None, **filters: FieldValue
    ) -> AsyncIterator[R]:
        """Every matching row, read `page_size` at a time with limit/offset until the server has no more."""
        pager = self._calls.pager(page_size, filters)
        while pager.offset is not None:
            call = self._calls.read(client_id=client_id, limit=page_size, offset=pager.offset, **filters)
            for row in pager.feed(await self._runner.run(call)):
                yield row


class AsyncModule(AsyncReadModule[R]):
    """The async counterpart of Module."""

    update = async_call(ModuleCalls[R].update)
    delete = async_call(ModuleCalls[R].delete)


class AsyncArchivableModule(AsyncModule[R]):
    """The async counterpart of ArchivableModule."""

    archive = async_call(ModuleCalls[R].archive)
    unarchive = async_call(ModuleCalls[R].unarchive)


class AsyncTicketsModule(AsyncModule[Ticket]):
    """The async counterpart of TicketsModule."""

    resolve = async_call(ModuleCalls[Ticket].resolve)


class AsyncLegacy(Bound[AsyncRunner, LegacyCalls]):
    """The async counterpart of Legacy."""

    caller_id = async_call(LegacyCalls.caller_id)
    phonebook = async_call(LegacyCalls.phonebook)
    client_emails = async_call(LegacyCalls.client_emails)
    balance = async_call(LegacyCalls.balance)
    add_asset = async_call(LegacyCalls.add_asset)


class _Face(Generic[F]):
    """A client attribute made on first use from the client's runner: a module object, or the legacy calls."""

    def __init__(self, make: Callable[[Any, Auth], F]) -> None:
        self.make = make

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, client: Any, owner: type | None = None) -> F:
        made: F = self.make(client._runner, client._auth)
        # Kept on the instance, which shadows this (non-data) descriptor from then on.
        client.__dict__[self.name] = made
        return made


def module(spec: ModuleSpec[R], face: Callable[[Any, ModuleCalls[R]], F]) -> _Face[F]:
    return _Face(lambda runner, auth: face(runner, ModuleCalls(spec, auth)))


def legacy_face(face: Callable[[Any, LegacyCalls], F]) -> _Face[F]:
    return _Face(lambda runner, auth: face(runner, LegacyCalls(auth)))


class ITFlowClient(SyncClient):
    """A blocking ITFlow client. `decrypt_password` (shown with the key) is needed for `credentials` only.

    `timeout` is httpx's (30 s, 5 s to connect, by default); `retry` says how often reads and failed
    connections are tried again; other keyword arguments go to `httpx.Client` (a `transport=`, `verify=`).
    """

    clients = module(CLIENTS, ArchivableModule[Client])
    contacts = module(CONTACTS, ArchivableModule[Contact])
    credentials = module(CREDENTIALS, Module[Credential])
    tickets = module(TICKETS, TicketsModule)
    ticket_replies = module(TICKET_REPLIES, ReadModule[TicketReply])
    assets = module(ASSETS, Module[Asset])
    certificates = module(CERTIFICATES, Module[Certificate])
    domains = module(DOMAINS, Module[Domain])
    networks = module(NETWORKS, Module[Network])
    software = module(SOFTWARE, Module[Software])
    legacy = legacy_face(Legacy)

    def __init__(
        self,
        base_url: str,
        api_key: str,
        decrypt_password: str | None = None,
        *,
        timeout: httpx.Timeout | float = DEFAULT_TIMEOUT,
        retry: RetryPolicy | None = None,
        **httpx_options: Any,
    ) -> None:
        self._auth = Auth.of(api_key, decrypt_password)
        super().__init__(base_url, timeout, retry, httpx_options)


class AsyncITFlowClient(AsyncClient):
    """The asyncio ITFlow client: the same modules, each function a coroutine, `iter` an async iterator."""

    clients = module(CLIENTS, AsyncArchivableModule[Client])
    contacts = module(CONTACTS, AsyncArchivableModule[Contact])
    credentials = module(CREDENTIALS, AsyncModule[Credential])
    tickets = module(TICKETS, AsyncTicketsModule)
    ticket_replies = module(TICKET_REPLIES, AsyncReadModule[TicketReply])
    assets = module(ASSETS, AsyncModule[Asset])
    certificates = module(CERTIFICATES, AsyncModule[Certificate])
    domains = module(DOMAINS, AsyncModule[Domain])
    networks = module(NETWORKS, AsyncModule[Network])
    software = module(SOFTWARE, AsyncModule[Software])
    legacy = legacy_face(AsyncLegacy)

    def __init__(
        self,
        base_url: str,
        api_key: str,
        decrypt_password: str | None = None,
        *,
        timeout: httpx.Timeout | float = DEFAULT_TIMEOUT,
        retry: RetryPolicy | None = None,
        **httpx_options: Any,
    ) -> None:
        self._auth = Auth.of(api_key, decrypt_password)
        super().__init__(base_url, timeout, retry, httpx_options)
