"""What a server or a command checks before it starts: the database answers and has this flowsuite's schema,
and the server secret is the one the database was first used with.

Each refusal is one line for the operator, saying what is wrong and what to do, instead of a traceback or,
worse, a server that starts and then fails every key.
"""

from __future__ import annotations

from sqlalchemy import insert, select
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, IntegrityError

from flowsuite.core.db import Database
from flowsuite.core.migrate import schema_problem
from flowsuite.core.models import SecretFingerprint
from flowsuite.core.secrets import ServerSecret, same_digest
from flowsuite.settings import Settings

_FINGERPRINT_ROW = 1


class StartupRefused(Exception):
    """A reason not to start, in one line: what is wrong and what to do about it."""


class SchemaNotReady(StartupRefused):
    """The database has no flowsuite schema, or not this flowsuite's."""


def shown_url(url: str) -> str:
    """The database URL without its password, fit for a message."""
    return make_url(url).render_as_string(hide_password=True)


def unusable_database(url: str, error: DBAPIError) -> StartupRefused:
    """The refusal for a database that cannot be reached or used: the driver's own first line as the cause."""
    cause = (str(error.orig).strip().splitlines() or [type(error.orig).__name__])[0]
    if make_url(url).get_backend_name() == "sqlite":
        fix = "check that its folder exists and that this user may write there and to the file"
    else:
        fix = "check that the database server is running and reachable from here, and the user, password and name"
    return StartupRefused(
        f"cannot use the database {shown_url(url)} ({cause}): {fix}, or set FLOWSUITE_DATABASE_URL to the right one"
    )


def check_schema(db: Database) -> None:
    """Raises StartupRefused unless the database is at this flowsuite's latest migration; DBAPIError if it
    cannot be reached."""
    with db.engine.connect() as connection:
        problem = schema_problem(connection, db.url)
    if problem is not None:
        raise SchemaNotReady(f"the database {shown_url(db.url)} {problem}")


def open_secret(settings: Settings, db: Database) -> ServerSecret:
    """The server secret, checked against the fingerprint the database keeps (written on first use).

    A missing secret file is created only for a database that has no fingerprint yet: a new secret for a
    database with keys would fail every one of them. Raises StartupRefused when the secret is not the
    database's, DBAPIError when the database cannot be reached.
    """
    secret = ServerSecret.read(settings.secret_key, settings.secret_key_file)
    stored = _stored_fingerprint(db)
    where = "FLOWSUITE_SECRET_KEY" if settings.secret_key else str(settings.secret_key_file)
    restore = (
        "set FLOWSUITE_SECRET_KEY to the secret this database was made with"
        if settings.secret_key
        else f"restore {where} from the backup of this database, or point FLOWSUITE_SECRET_KEY_FILE at it"
    )
    if secret is None:
        if stored is not None:
            raise StartupRefused(
                f"the secret file {where} is missing but the database {shown_url(db.url)} holds keys made with it: "
                f"{restore} (without it no key verifies)"
            )
        secret = ServerSecret.create(settings.secret_key_file)
    if stored is None:
        stored = _record_fingerprint(db, secret.fingerprint())
    if not same_digest(stored, secret.fingerprint()):
        raise StartupRefused(
            f"the secret in {where} is not the one the database {shown_url(db.url)} was made with: {restore} "
            "(with another secret no key verifies)"
        )
    return secret


def _stored_fingerprint(db: Database) -> str | None:
    with db.engine.connect() as connection:
        return connection.scalar(select(SecretFingerprint.fingerprint).where(SecretFingerprint.id == _FINGERPRINT_ROW))


def _record_fingerprint(db: Database, fingerprint: str) -> str:
    """Stores `fingerprint` as the database's; if another process stored one first, that one is returned."""
    try:
        with db.transaction(write=True) as session:
            session.execute(insert(SecretFingerprint).values(id=_FINGERPRINT_ROW, fingerprint=fingerprint))
    except IntegrityError:
        return _stored_fingerprint(db) or fingerprint
    return fingerprint
