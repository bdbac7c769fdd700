"""Companies and credentials of every face: issue, resolve, revoke, and expiry in the company's time zone.

Depends on: tenancy.service (create_company, issue_credential, list_credentials, revoke_credential,
CredentialLookup.resolve).
"""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from flowsuite.core.errors import Conflict, InvalidInput, NotFound
from flowsuite.itflow.models import ITFlowApiKey
from flowsuite.tenancy.models import ApiCredential
from flowsuite.tenancy.service import (
    CredentialLookup,
    ResolvedCredential,
    create_company,
    issue_credential,
    list_credentials,
    revoke_credential,
)
from tests.services import MigratedDatabase, new_company

FACE, OTHER_FACE = "itflow", "iflow"
LOOKUP = CredentialLookup(FACE)


def issue(
    session: Session, migrated: MigratedDatabase, company_id: int, name: str = "rmm-sync", **options: object
) -> tuple[ApiCredential, str]:
    expires_on = options.get("expires_on")
    assert expires_on is None or isinstance(expires_on, dt.date)
    face = options.get("face", FACE)
    assert isinstance(face, str)
    return issue_credential(
        session, migrated.secret, company_id=company_id, face=face, name=name, expires_on=expires_on
    )


def test_a_company_needs_a_unique_name_and_a_real_time_zone(session: Session) -> None:
    taken = new_company(session).name
    with pytest.raises(Conflict):
        create_company(session, f"  {taken} ")
    with pytest.raises(InvalidInput) as no_name:
        create_company(session, "   ")
    assert no_name.value.field == "name"
    with pytest.raises(InvalidInput) as bad_zone:
        create_company(session, f"{taken} too", "Europe/Atlantis")
    assert bad_zone.value.field == "timezone"


def test_an_issued_secret_is_kept_only_as_its_keyed_hash(session: Session, migrated: MigratedDatabase) -> None:
    company_id = new_company(session).id

    credential, secret = issue(session, migrated, company_id, name="  rmm-sync  ")

    assert len(secret) == 32
    stored = session.execute(select(ApiCredential.__table__).where(ApiCredential.id == credential.id)).one()
    assert secret not in [value for value in stored if isinstance(value, str)]
    assert (stored.secret_hash, stored.secret_hint) == (migrated.secret.hash_token(secret), secret[-4:])
    assert (stored.name, stored.face, stored.revoked_at, stored.expires_on) == ("rmm-sync", FACE, None, None)


def test_a_credential_needs_a_name(session: Session, migrated: MigratedDatabase) -> None:
    with pytest.raises(InvalidInput):
        issue(session, migrated, new_company(session).id, name="  ")


def test_a_secret_resolves_to_its_credential_of_its_own_face_only(session: Session, migrated: MigratedDatabase) -> None:
    company_id = new_company(session).id
    credential, secret = issue(session, migrated, company_id)

    assert LOOKUP.resolve(session, migrated.secret, secret) == ResolvedCredential(
        credential.id, company_id, "rmm-sync", ()
    )
    assert CredentialLookup(OTHER_FACE).resolve(session, migrated.secret, secret) is None
    assert LOOKUP.resolve(session, migrated.secret, secret[:-1]) is None
    assert LOOKUP.resolve(session, migrated.secret, credential.secret_hash) is None


def test_a_lookup_with_the_faces_extension_returns_its_columns_and_needs_its_row(
    session: Session, migrated: MigratedDatabase
) -> None:
    # ITFlow's keys carry a client scope and a sealed data key in an extension table of their own.
    lookup = CredentialLookup(FACE, ITFlowApiKey.__table__, ("client_id", "sealed_data_key"))  # type: ignore[arg-type]
    company_id = new_company(session).id
    scoped, scoped_secret = issue(session, migrated, company_id, name="scoped")
    _, bare_secret = issue(session, migrated, company_id, name="no extension row")
    session.add(ITFlowApiKey(credential_id=scoped.id, company_id=company_id, client_id=12, sealed_data_key="sealed"))
    session.flush()

    resolved = lookup.resolve(session, migrated.secret, scoped_secret)

    assert resolved is not None and resolved.extra == (12, "sealed")
    assert lookup.resolve(session, migrated.secret, bare_secret) is None


def test_a_revoked_credential_no_longer_resolves_and_revoking_again_is_harmless(
    session: Session, migrated: MigratedDatabase
) -> None:
    company_id = new_company(session).id
    credential, secret = issue(session, migrated, company_id)

    revoked_at = revoke_credential(session, credential.id, FACE).revoked_at

    assert revoked_at is not None
    assert LOOKUP.resolve(session, migrated.secret, secret) is None
    credential.revoked_at = revoked_at = dt.datetime(2026, 1, 2, 3, 4, 5)
    assert revoke_credential(session, credential.id, FACE, company_id).revoked_at == revoked_at


def test_revoking_is_scoped_to_the_face_and_to_the_company_when_one_is_given(
    session: Session, migrated: MigratedDatabase
) -> None:
    company_id, other_company = new_company(session).id, new_company(session).id
    credential, secret = issue(session, migrated, company_id)

    with pytest.raises(NotFound):
        revoke_credential(session, credential.id, OTHER_FACE)
    with pytest.raises(NotFound):
        revoke_credential(session, credential.id, FACE, other_company)
    assert LOOKUP.resolve(session, migrated.secret, secret) is not None

    revoke_credential(session, credential.id, FACE)  # the CLI's revocation reaches every company
    assert LOOKUP.resolve(session, migrated.secret, secret) is None


def test_credentials_are_listed_per_company_and_face(session: Session, migrated: MigratedDatabase) -> None:
    company_id, other_company = new_company(session).id, new_company(session).id
    first, _ = issue(session, migrated, company_id, name="first")
    second, _ = issue(session, migrated, company_id, name="second")
    issue(session, migrated, company_id, name="other face", face=OTHER_FACE)
    issue(session, migrated, other_company, name="other company")

    assert [c.id for c in list_credentials(session, company_id, FACE)] == [first.id, second.id]


def _zone_whose_date_is_not_utcs() -> str:
    """A time zone whose calendar date differs from UTC's right now (one of the two always does)."""
    now = dt.datetime.now(dt.UTC)
    for name in ("Pacific/Kiritimati", "Pacific/Pago_Pago"):  # UTC+14, UTC-11
        if now.astimezone(zoneinfo.ZoneInfo(name)).date() != now.date():
            return name
    raise AssertionError("unreachable: the two zones are 25 hours apart")


def test_a_credential_expires_at_midnight_of_its_date_in_the_companys_time_zone(
    session: Session, migrated: MigratedDatabase
) -> None:
    timezone = _zone_whose_date_is_not_utcs()
    company_id = new_company(session, timezone).id
    today = dt.datetime.now(zoneinfo.ZoneInfo(timezone)).date()
    _, expires_today = issue(session, migrated, company_id, name="today", expires_on=today)
    _, expires_tomorrow = issue(session, migrated, company_id, name="tomorrow", expires_on=today + dt.timedelta(days=1))
    _, expired = issue(session, migrated, company_id, name="yesterday", expires_on=today - dt.timedelta(days=1))

    # Were expiry judged by UTC's date, one of the first two would come out the other way.
    assert LOOKUP.resolve(session, migrated.secret, expires_today) is None
    assert LOOKUP.resolve(session, migrated.secret, expires_tomorrow) is not None
    assert LOOKUP.resolve(session, migrated.secret, expired) is None
