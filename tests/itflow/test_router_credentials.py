"""credentials/*.php at the HTTP level: encryption at rest, the decrypt password, lengths, scope."""

from __future__ import annotations

from typing import Any

import httpx
from sqlalchemy import select

from flowsuite.itflow import models
from tests.itflow.factories import Tenant
from tests.itflow.wire import (
    CREATE_FAILED,
    DELETE_FAILED,
    NO_RESOURCE,
    UPDATE_FAILED,
    check_guards,
    created,
    done,
    failed,
    get,
    rows,
)
from tests.itflow.wire import post as send

MISSING_PASSWORD = "api_key_decrypt_password is required for credentials."
WRONG_PASSWORD = "The decrypt password (api_key_decrypt_password) does not match this API key."
CREDENTIAL_COLUMNS = [
    "credential_id",
    "credential_name",
    "credential_description",
    "credential_category",
    "credential_uri",
    "credential_uri_2",
    "credential_username",
    "credential_password",
    "credential_otp_secret",
    "credential_note",
    "credential_favorite",
    "credential_created_at",
    "credential_updated_at",
    "credential_archived_at",
    "credential_accessed_at",
    "credential_password_changed_at",
    "credential_folder_id",
    "credential_contact_id",
    "credential_asset_id",
    "credential_client_id",
]


def new_credential(http: httpx.Client, tenant: Tenant, client_id: int = 0, **fields: Any) -> int:
    body = {"credential_name": "Router", "credential_password": "s3cret", **fields}
    reply = send(
        http,
        "credentials/create",
        tenant.api_key,
        client_id=client_id,
        api_key_decrypt_password=tenant.decrypt_password,
        **body,
    )
    return created(reply)


def read_one(http: httpx.Client, api_key: str, password: str, credential_id: int) -> dict[str, Any]:
    (row,) = rows(
        get(http, "credentials/read", api_key, credential_id=credential_id, api_key_decrypt_password=password)
    )
    return row


def stored(tenant: Tenant) -> list[dict[str, Any]]:
    """Every credential row of the tenant as the table holds it."""
    table = models.Credential.__table__
    with tenant.server.db.transaction() as session:
        found = session.execute(
            select(table).where(table.c.company_id == tenant.company_id).order_by(table.c.credential_id)
        )
        return [dict(row._mapping) for row in found]


# ---- encryption ----------------------------------------------------------------------------------


def test_create_stores_username_and_password_sealed_and_read_decrypts(http: httpx.Client, tenant: Tenant) -> None:
    client_id = tenant.client()
    credential_id = new_credential(
        http,
        tenant,
        client_id,
        credential_name="Core switch",
        credential_description="Rack 2",
        credential_uri="https://10.0.0.1",
        credential_uri_2="ssh://10.0.0.1",
        credential_username=" admin ",
        credential_password="pa ss<w>ord ",
        credential_otp_secret="JBSWY3DPEHPK3PXP",
        credential_note="rotate yearly",
        credential_favorite=1,
        credential_contact_id=3,
        credential_asset_id="4",
    )
    row = read_one(http, tenant.api_key, tenant.decrypt_password, credential_id)
    assert list(row) == CREDENTIAL_COLUMNS
    assert len(row["credential_created_at"]) == 19 and len(row["credential_password_changed_at"]) == 19
    assert {k: v for k, v in row.items() if k not in ("credential_created_at", "credential_password_changed_at")} == {
        "credential_id": str(credential_id),
        "credential_name": "Core switch",
        "credential_description": "Rack 2",
        "credential_category": None,
        "credential_uri": "https://10.0.0.1",
        "credential_uri_2": "ssh://10.0.0.1",
        "credential_username": " admin ",
        "credential_password": "pa ss<w>ord ",
        "credential_otp_secret": "JBSWY3DPEHPK3PXP",
        "credential_note": "rotate yearly",
        "credential_favorite": "1",
        "credential_updated_at": None,
        "credential_archived_at": None,
        "credential_accessed_at": None,
        "credential_folder_id": "0",
        "credential_contact_id": "3",
        "credential_asset_id": "4",
        "credential_client_id": str(client_id),
    }


def test_the_database_never_holds_plaintext_logins(http: httpx.Client, tenant: Tenant) -> None:
    credential_id = new_credential(http, tenant, credential_username="plain-user", credential_password="plain-pass")
    reply = send(
        http,
        "credentials/update",
        tenant.api_key,
        credential_id=credential_id,
        api_key_decrypt_password=tenant.decrypt_password,
        credential_password="new-plain-pass",
    )
    done(reply)
    other = new_credential(http, tenant, credential_username="plain-user", credential_password="new-plain-pass")
    first, second = stored(tenant)
    assert (first["credential_id"], second["credential_id"]) == (credential_id, other)
    for row in (first, second):
        text = " ".join(str(value) for value in row.values())
        for secret in ("plain-user", "plain-pass", "new-plain-pass"):
            assert secret not in text
        assert len(row["credential_username"]) > 40 and len(row["credential_password"]) > 40
    # Seals of equal values differ (random nonce): the table does not even show which passwords are equal.
    assert first["credential_password"] != second["credential_password"]
    assert first["credential_username"] != second["credential_username"]


def test_a_second_key_of_the_company_reads_what_the_first_wrote(http: httpx.Client, tenant: Tenant) -> None:
    credential_id = new_credential(http, tenant, credential_username="u1", credential_password="p1")
    second_key, second_password = tenant.key()
    row = read_one(http, second_key, second_password, credential_id)
    assert (row["credential_username"], row["credential_password"]) == ("u1", "p1")
    # And the first key's password does not open the second key.
    failed(
        get(http, "credentials/read", second_key, api_key_decrypt_password=tenant.decrypt_password), WRONG_PASSWORD, 403
    )


def test_a_username_left_out_reads_back_empty(http: httpx.Client, tenant: Tenant) -> None:
    credential_id = new_credential(http, tenant)
    row = read_one(http, tenant.api_key, tenant.decrypt_password, credential_id)
    assert (row["credential_username"], row["credential_password"]) == ("", "s3cret")


# ---- the decrypt password ------------------------------------------------------------------------


def test_read_takes_the_password_from_the_query_string_or_the_body(http: httpx.Client, tenant: Tenant) -> None:
    credential_id = new_credential(http, tenant)
    in_body = http.request(
        "GET",
        "/api/v1/credentials/read.php",
        params={"api_key": tenant.api_key},
        json={"api_key_decrypt_password": tenant.decrypt_password},
    )
    assert [r["credential_id"] for r in rows(in_body)] == [str(credential_id)]
    in_query = get(http, "credentials/read", tenant.api_key, api_key_decrypt_password=tenant.decrypt_password)
    assert [r["credential_password"] for r in rows(in_query)] == ["s3cret"]


def test_writes_take_the_password_from_the_body_or_the_query_string(http: httpx.Client, tenant: Tenant) -> None:
    reply = http.post(
        "/api/v1/credentials/create.php",
        params={"api_key_decrypt_password": tenant.decrypt_password},
        json={"api_key": tenant.api_key, "credential_name": "VPN", "credential_password": "q"},
    )
    credential_id = created(reply)
    assert read_one(http, tenant.api_key, tenant.decrypt_password, credential_id)["credential_password"] == "q"


def test_read_without_or_with_a_wrong_password_is_refused(http: httpx.Client, tenant: Tenant) -> None:
    credential_id = new_credential(http, tenant)
    failed(get(http, "credentials/read", tenant.api_key), MISSING_PASSWORD, 400)
    failed(get(http, "credentials/read", tenant.api_key, api_key_decrypt_password=""), MISSING_PASSWORD, 400)
    failed(
        get(
            http,
            "credentials/read",
            tenant.api_key,
            credential_id=credential_id,
            api_key_decrypt_password=tenant.decrypt_password + "x",
        ),
        WRONG_PASSWORD,
        403,
    )
    # Even with nothing to read, a wrong password is named as such.
    failed(
        get(
            http,
            "credentials/read",
            tenant.api_key,
            credential_id=credential_id + 999,
            api_key_decrypt_password="wrong",
        ),
        WRONG_PASSWORD,
        403,
    )


def test_writes_without_or_with_a_wrong_password_store_nothing(http: httpx.Client, tenant: Tenant) -> None:
    body = {"credential_name": "Router", "credential_password": "s3cret"}
    failed(send(http, "credentials/create", tenant.api_key, **body), MISSING_PASSWORD, 400)
    failed(
        send(http, "credentials/create", tenant.api_key, api_key_decrypt_password="wrong", **body), WRONG_PASSWORD, 403
    )
    assert stored(tenant) == []
    credential_id = new_credential(http, tenant, credential_password="kept")
    before = stored(tenant)
    failed(
        send(http, "credentials/update", tenant.api_key, credential_id=credential_id, credential_password="lost"),
        MISSING_PASSWORD,
        400,
    )
    failed(
        send(
            http,
            "credentials/update",
            tenant.api_key,
            credential_id=credential_id,
            api_key_decrypt_password="no",
            credential_name="Renamed",
            credential_password="lost",
        ),
        WRONG_PASSWORD,
        403,
    )
    assert stored(tenant) == before


# ---- validation ----------------------------------------------------------------------------------


def test_create_needs_a_name_and_a_password(http: httpx.Client, tenant: Tenant) -> None:
    for body in (
        {"credential_name": "Router"},
        {"credential_password": "x"},
        {"credential_name": "", "credential_password": "x"},
    ):
        reply = send(
            http, "credentials/create", tenant.api_key, api_key_decrypt_password=tenant.decrypt_password, **body
        )
        failed(reply, CREATE_FAILED)
    assert stored(tenant) == []


def test_too_long_values_are_400_naming_the_field(http: httpx.Client, tenant: Tenant) -> None:
    base = {
        "credential_name": "Router",
        "credential_password": "x",
        "api_key_decrypt_password": tenant.decrypt_password,
    }
    for name, value in (
        ("credential_username", "ș" * 176),  # 352 bytes in 176 characters
        ("credential_password", "p" * 351),
        ("credential_name", "n" * 201),
        ("credential_description", "d" * 501),
        ("credential_uri", "u" * 501),
        ("credential_uri_2", "u" * 501),
        ("credential_otp_secret", "o" * 201),
    ):
        failed(
            send(http, "credentials/create", tenant.api_key, **{**base, name: value}),
            f"{name} is too long to store.",
            400,
        )
    assert stored(tenant) == []
    # The limits themselves are fine.
    credential_id = created(
        send(
            http,
            "credentials/create",
            tenant.api_key,
            **{**base, "credential_username": "ș" * 175, "credential_name": "n" * 200},
        )
    )
    assert read_one(http, tenant.api_key, tenant.decrypt_password, credential_id)["credential_username"] == "ș" * 175
    failed(
        send(
            http,
            "credentials/update",
            tenant.api_key,
            credential_id=credential_id,
            **{**base, "credential_uri": "u" * 501},
        ),
        "credential_uri is too long to store.",
        400,
    )


# ---- update, delete, read ------------------------------------------------------------------------


def test_update_reseals_changed_fields_and_stamps_a_password_change(http: httpx.Client, tenant: Tenant) -> None:
    client_id = tenant.client()
    credential_id = new_credential(http, tenant, client_id, credential_username="u", credential_password="p")
    with tenant.server.db.transaction(write=True) as session:
        credential = session.get(models.Credential, credential_id)
        assert credential is not None
        credential.credential_password_changed_at = credential.credential_created_at.replace(year=2020)
    password = tenant.decrypt_password
    done(
        send(
            http,
            "credentials/update",
            tenant.api_key,
            client_id=client_id,
            credential_id=credential_id,
            api_key_decrypt_password=password,
            credential_username="u",
            credential_note="n",
        )
    )
    row = read_one(http, tenant.api_key, password, credential_id)
    assert (row["credential_username"], row["credential_password"], row["credential_note"]) == ("u", "p", "n")
    assert row["credential_password_changed_at"].startswith("2020-")
    # The same password again is not a change either.
    done(
        send(
            http,
            "credentials/update",
            tenant.api_key,
            client_id=client_id,
            credential_id=credential_id,
            api_key_decrypt_password=password,
            credential_password="p",
        )
    )
    assert read_one(http, tenant.api_key, password, credential_id)["credential_password_changed_at"].startswith("2020-")
    done(
        send(
            http,
            "credentials/update",
            tenant.api_key,
            client_id=client_id,
            credential_id=credential_id,
            api_key_decrypt_password=password,
            credential_password="p2",
        )
    )
    row = read_one(http, tenant.api_key, password, credential_id)
    assert row["credential_password"] == "p2"
    assert not row["credential_password_changed_at"].startswith("2020-")
    assert row["credential_updated_at"] is not None
    failed(
        send(
            http,
            "credentials/update",
            tenant.api_key,
            client_id=client_id,
            credential_id=credential_id,
            api_key_decrypt_password=password,
            credential_password="",
        ),
        "credential_password cannot be empty.",
        400,
    )
    failed(
        send(
            http,
            "credentials/update",
            tenant.api_key,
            client_id=client_id,
            credential_id=credential_id + 99,
            api_key_decrypt_password=password,
            credential_note="x",
        ),
        UPDATE_FAILED,
    )


def test_delete_needs_the_decrypt_password_too(http: httpx.Client, tenant: Tenant) -> None:
    credential_id = new_credential(http, tenant)
    failed(send(http, "credentials/delete", tenant.api_key, credential_id=credential_id), MISSING_PASSWORD, 400)
    reply = send(http, "credentials/delete", tenant.api_key, credential_id=credential_id, api_key_decrypt_password="x")
    failed(reply, WRONG_PASSWORD, 403)
    assert len(stored(tenant)) == 1
    password = tenant.decrypt_password
    done(
        send(http, "credentials/delete", tenant.api_key, credential_id=credential_id, api_key_decrypt_password=password)
    )
    assert stored(tenant) == []
    reply = send(
        http, "credentials/delete", tenant.api_key, credential_id=credential_id, api_key_decrypt_password=password
    )
    failed(reply, DELETE_FAILED)


def test_read_all_is_ordered_and_paged(http: httpx.Client, tenant: Tenant) -> None:
    ids = [new_credential(http, tenant, credential_name=f"C{n}", credential_password=f"p{n}") for n in range(4)]
    password = tenant.decrypt_password
    found = rows(get(http, "credentials/read", tenant.api_key, api_key_decrypt_password=password))
    assert [(r["credential_id"], r["credential_password"]) for r in found] == [
        (str(i), f"p{n}") for n, i in enumerate(ids)
    ]
    page = rows(get(http, "credentials/read", tenant.api_key, api_key_decrypt_password=password, limit=2, offset=1))
    assert [r["credential_id"] for r in page] == [str(ids[1]), str(ids[2])]
    failed(get(http, "credentials/read", tenant.api_key, api_key_decrypt_password=password, offset=4), NO_RESOURCE)


# ---- scope ---------------------------------------------------------------------------------------


def test_global_credentials_are_visible_to_scoped_keys_but_not_writable(http: httpx.Client, tenant: Tenant) -> None:
    mine, theirs = tenant.client("Mine"), tenant.client("Theirs")
    global_id = new_credential(http, tenant, 0, credential_name="Global")
    own_id = new_credential(http, tenant, mine, credential_name="Own")
    other_id = new_credential(http, tenant, theirs, credential_name="Other")
    scoped_key, scoped_password = tenant.key(client_id=mine)
    found = rows(get(http, "credentials/read", scoped_key, api_key_decrypt_password=scoped_password))
    assert [r["credential_id"] for r in found] == [str(global_id), str(own_id)]
    failed(
        get(http, "credentials/read", scoped_key, credential_id=other_id, api_key_decrypt_password=scoped_password),
        NO_RESOURCE,
    )
    for target, client_id in ((global_id, 0), (other_id, theirs)):
        failed(
            send(
                http,
                "credentials/update",
                scoped_key,
                credential_id=target,
                client_id=client_id,
                api_key_decrypt_password=scoped_password,
                credential_name="Taken",
            ),
            UPDATE_FAILED,
        )
        reply = send(
            http,
            "credentials/delete",
            scoped_key,
            credential_id=target,
            client_id=client_id,
            api_key_decrypt_password=scoped_password,
        )
        failed(reply, DELETE_FAILED)
    names = [
        r["credential_name"]
        for r in rows(get(http, "credentials/read", tenant.api_key, api_key_decrypt_password=tenant.decrypt_password))
    ]
    assert names == ["Global", "Own", "Other"]
    # A scoped key's create lands in its own client, never in the global pool.
    forced = created(
        send(
            http,
            "credentials/create",
            scoped_key,
            client_id=0,
            api_key_decrypt_password=scoped_password,
            credential_name="Forced",
            credential_password="x",
        )
    )
    assert read_one(http, tenant.api_key, tenant.decrypt_password, forced)["credential_client_id"] == str(mine)


def test_an_all_clients_key_writes_a_clients_credential_only_with_its_client_id(
    http: httpx.Client, tenant: Tenant
) -> None:
    client_id = tenant.client()
    credential_id = new_credential(http, tenant, client_id)
    failed(
        send(
            http,
            "credentials/update",
            tenant.api_key,
            credential_id=credential_id,
            api_key_decrypt_password=tenant.decrypt_password,
            credential_name="X",
        ),
        UPDATE_FAILED,
    )
    failed(
        send(
            http,
            "credentials/create",
            tenant.api_key,
            client_id=client_id + 999,
            api_key_decrypt_password=tenant.decrypt_password,
            credential_name="X",
            credential_password="x",
        ),
        CREATE_FAILED,
    )


def test_every_endpoint_checks_method_and_key(http: httpx.Client, tenant: Tenant) -> None:
    for function, method in [("read", "GET"), ("create", "POST"), ("update", "POST"), ("delete", "POST")]:
        check_guards(http, f"credentials/{function}", method, tenant.api_key)
