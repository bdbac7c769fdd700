"""contacts/*.php at the HTTP level: envelope, columns, filters, e-mail uniqueness, primary flag, scope."""

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
    Background,
    check_guards,
    created,
    done,
    failed,
    get,
    parallel_posts,
    rows,
    wait_for_lock_waiter,
)
from tests.itflow.wire import post as send

CONTACT_COLUMNS = [
    "contact_id",
    "contact_name",
    "contact_title",
    "contact_email",
    "contact_phone_country_code",
    "contact_phone",
    "contact_extension",
    "contact_mobile_country_code",
    "contact_mobile",
    "contact_photo",
    "contact_pin",
    "contact_notes",
    "contact_primary",
    "contact_important",
    "contact_billing",
    "contact_technical",
    "contact_created_at",
    "contact_updated_at",
    "contact_archived_at",
    "contact_accessed_at",
    "contact_location_id",
    "contact_vendor_id",
    "contact_user_id",
    "contact_department",
    "contact_client_id",
]


def new_contact(http: httpx.Client, api_key: str, client_id: int, name: str, email: str, **fields: Any) -> int:
    return created(
        send(http, "contacts/create", api_key, client_id=client_id, contact_name=name, contact_email=email, **fields)
    )


def read_one(http: httpx.Client, api_key: str, contact_id: int) -> dict[str, Any]:
    (row,) = rows(get(http, "contacts/read", api_key, contact_id=contact_id))
    return row


def stored_contacts(tenant: Tenant) -> list[tuple[int, str | None, int]]:
    """(id, e-mail, client) of every contact of the tenant, read from the table itself."""
    with tenant.server.db.transaction() as session:
        found = session.execute(
            select(models.Contact.contact_id, models.Contact.contact_email, models.Contact.contact_client_id)
            .where(models.Contact.company_id == tenant.company_id)
            .order_by(models.Contact.contact_id)
        )
        return [tuple(row) for row in found]  # type: ignore[misc]


# ---- create and read -----------------------------------------------------------------------------


def test_create_then_read_by_id_shows_every_column_as_text(http: httpx.Client, tenant: Tenant) -> None:
    client_id = tenant.client()
    contact_id = new_contact(
        http,
        tenant.api_key,
        client_id,
        "  Ana Pop ",
        "ana@example.com",
        contact_title="CTO",
        contact_department="IT",
        contact_phone="+1 (555) 123-4567",
        contact_extension="ext. 12",
        contact_mobile="0722 000 111",
        contact_notes="<b>VIP</b>",
        contact_important=True,
        contact_billing="1",
        contact_technical=5,
        contact_location_id="7",
    )
    row = read_one(http, tenant.api_key, contact_id)
    assert list(row) == CONTACT_COLUMNS
    assert len(row["contact_created_at"]) == 19
    assert {k: v for k, v in row.items() if k != "contact_created_at"} == {
        "contact_id": str(contact_id),
        "contact_name": "Ana Pop",
        "contact_title": "CTO",
        "contact_email": "ana@example.com",
        "contact_phone_country_code": None,
        "contact_phone": "15551234567",
        "contact_extension": "12",
        "contact_mobile_country_code": None,
        "contact_mobile": "0722000111",
        "contact_photo": None,
        "contact_pin": None,
        "contact_notes": "<b>VIP</b>",
        "contact_primary": "0",
        "contact_important": "1",
        "contact_billing": "1",
        "contact_technical": "1",
        "contact_updated_at": None,
        "contact_archived_at": None,
        "contact_accessed_at": None,
        "contact_location_id": "7",
        "contact_vendor_id": "0",
        "contact_user_id": "0",
        "contact_department": "IT",
        "contact_client_id": str(client_id),
    }


def test_create_defaults_are_the_originals(http: httpx.Client, tenant: Tenant) -> None:
    contact_id = new_contact(http, tenant.api_key, tenant.client(), "Bob", "bob@example.com")
    row = read_one(http, tenant.api_key, contact_id)
    assert (row["contact_title"], row["contact_phone"], row["contact_mobile"], row["contact_notes"]) == ("", "", "", "")
    assert (row["contact_primary"], row["contact_important"], row["contact_location_id"]) == ("0", "0", "0")


def test_create_needs_name_email_and_client(http: httpx.Client, tenant: Tenant) -> None:
    client_id = tenant.client()
    for body in (
        {"client_id": client_id, "contact_email": "x@example.com"},
        {"client_id": client_id, "contact_name": "X"},
        {"client_id": client_id, "contact_name": "X", "contact_email": "   "},
        {"contact_name": "X", "contact_email": "x@example.com"},
        {"client_id": client_id + 1000, "contact_name": "X", "contact_email": "x@example.com"},
    ):
        failed(send(http, "contacts/create", tenant.api_key, **body), CREATE_FAILED)
    assert stored_contacts(tenant) == []


def test_bad_values_are_400_naming_the_field_and_nothing_is_written(http: httpx.Client, tenant: Tenant) -> None:
    client_id = tenant.client()
    base = {"client_id": client_id, "contact_name": "X", "contact_email": "x@example.com"}
    failed(
        send(http, "contacts/create", tenant.api_key, **base, contact_location_id="abc"),
        "contact_location_id must be a whole number.",
        400,
    )
    failed(
        send(http, "contacts/create", tenant.api_key, **{**base, "contact_name": "n" * 201}),
        "contact_name is too long (at most 200 characters).",
        400,
    )
    failed(
        send(http, "contacts/create", tenant.api_key, **base, contact_primary={"yes": 1}),
        "contact_primary must be a whole number.",
        400,
    )
    assert stored_contacts(tenant) == []


# ---- e-mail uniqueness ---------------------------------------------------------------------------


def test_same_email_in_the_same_client_fails_case_insensitively_archived_included(
    http: httpx.Client, tenant: Tenant
) -> None:
    client_id, other_client = tenant.client("A"), tenant.client("B")
    first = new_contact(http, tenant.api_key, client_id, "Ana", "Ana@Example.com")
    failed(
        send(
            http,
            "contacts/create",
            tenant.api_key,
            client_id=client_id,
            contact_name="Dup",
            contact_email="ana@example.COM",
        ),
        CREATE_FAILED,
    )
    done(send(http, "contacts/archive", tenant.api_key, client_id=client_id, contact_id=first))
    failed(
        send(
            http,
            "contacts/create",
            tenant.api_key,
            client_id=client_id,
            contact_name="Dup",
            contact_email="ANA@example.com",
        ),
        CREATE_FAILED,
    )
    # Another client may have a contact with the same address.
    second = new_contact(http, tenant.api_key, other_client, "Ana", "ana@example.com")
    assert stored_contacts(tenant) == [(first, "Ana@Example.com", client_id), (second, "ana@example.com", other_client)]


def test_update_to_an_email_taken_in_the_client_fails(http: httpx.Client, tenant: Tenant) -> None:
    client_id = tenant.client()
    new_contact(http, tenant.api_key, client_id, "Ana", "ana@example.com")
    bob = new_contact(http, tenant.api_key, client_id, "Bob", "bob@example.com")
    reply = send(
        http, "contacts/update", tenant.api_key, client_id=client_id, contact_id=bob, contact_email="ANA@example.com"
    )
    failed(reply, UPDATE_FAILED)
    # Changing only the case of its own address is not a clash.
    done(
        send(
            http,
            "contacts/update",
            tenant.api_key,
            client_id=client_id,
            contact_id=bob,
            contact_email="BOB@example.com",
        )
    )
    assert read_one(http, tenant.api_key, bob)["contact_email"] == "BOB@example.com"


def test_concurrent_creates_with_one_email_leave_one_contact_and_failure_messages(
    tenant: Tenant, twin_url: str
) -> None:
    client_id = tenant.client()
    bodies = [
        {
            "api_key": tenant.api_key,
            "client_id": client_id,
            "contact_name": f"Racer {n}",
            "contact_email": "race@example.com",
        }
        for n in range(8)
    ]
    replies = parallel_posts([tenant.server.base_url, twin_url], "contacts/create", bodies)
    assert [r.status_code for r in replies] == [200] * 8
    outcomes = sorted(r.json()["success"] for r in replies)
    assert outcomes == ["False"] * 7 + ["True"]
    assert [r.json() for r in replies if r.json()["success"] == "False"] == [
        {"success": "False", "message": CREATE_FAILED}
    ] * 7
    assert len(stored_contacts(tenant)) == 1


def test_a_create_racing_an_uncommitted_duplicate_gets_the_failure_message(http: httpx.Client, tenant: Tenant) -> None:
    client_id = tenant.client()
    with tenant.server.db.transaction(write=True) as session:
        session.add(
            models.Contact(
                company_id=tenant.company_id,
                contact_client_id=client_id,
                contact_name="First",
                contact_email="race@example.com",
            )
        )
        session.flush()
        racer = Background(
            lambda: send(
                http,
                "contacts/create",
                tenant.api_key,
                client_id=client_id,
                contact_name="Second",
                contact_email="RACE@example.com",
            )
        )
        wait_for_lock_waiter(tenant.server)
    reply = racer.result()
    failed(reply, CREATE_FAILED)
    # On PostgreSQL the check could not see the uncommitted row and the unique index refused the insert; the
    # pipeline ran the request again, whose check then saw the committed row and says which one it is.
    assert reply.headers["x-flowsuite-reason"].endswith("already has this e-mail")
    assert [email for _, email, _ in stored_contacts(tenant)] == ["race@example.com"]


# ---- primary contact -----------------------------------------------------------------------------


def test_a_new_primary_contact_resets_the_clients_other_contacts(http: httpx.Client, tenant: Tenant) -> None:
    client_id, other_client = tenant.client("A"), tenant.client("B")
    first = new_contact(http, tenant.api_key, client_id, "Ana", "ana@example.com", contact_primary=1)
    elsewhere = new_contact(http, tenant.api_key, other_client, "Eve", "eve@example.com", contact_primary=1)
    second = new_contact(http, tenant.api_key, client_id, "Bob", "bob@example.com", contact_primary=1)
    assert read_one(http, tenant.api_key, first)["contact_primary"] == "0"
    assert read_one(http, tenant.api_key, first)["contact_updated_at"] is not None
    assert read_one(http, tenant.api_key, second)["contact_primary"] == "1"
    assert read_one(http, tenant.api_key, elsewhere)["contact_primary"] == "1"
    done(send(http, "contacts/update", tenant.api_key, client_id=client_id, contact_id=first, contact_primary=1))
    assert read_one(http, tenant.api_key, first)["contact_primary"] == "1"
    assert read_one(http, tenant.api_key, second)["contact_primary"] == "0"
    # Saying it again keeps it primary.
    done(send(http, "contacts/update", tenant.api_key, client_id=client_id, contact_id=first, contact_primary=1))
    assert read_one(http, tenant.api_key, first)["contact_primary"] == "1"


def test_update_of_a_missing_contact_does_not_reset_the_primary(http: httpx.Client, tenant: Tenant) -> None:
    client_id = tenant.client()
    primary = new_contact(http, tenant.api_key, client_id, "Ana", "ana@example.com", contact_primary=1)
    reply = send(
        http, "contacts/update", tenant.api_key, client_id=client_id, contact_id=primary + 999, contact_primary=1
    )
    failed(reply, UPDATE_FAILED)
    assert read_one(http, tenant.api_key, primary)["contact_primary"] == "1"


# ---- read filters and paging ---------------------------------------------------------------------


def test_read_by_email_returns_every_match_in_scope(http: httpx.Client, tenant: Tenant) -> None:
    a, b = tenant.client("A"), tenant.client("B")
    in_a = new_contact(http, tenant.api_key, a, "Ana", "shared@example.com")
    in_b = new_contact(http, tenant.api_key, b, "Ana B", "SHARED@example.com")
    new_contact(http, tenant.api_key, a, "Bob", "bob@example.com")
    found = rows(get(http, "contacts/read", tenant.api_key, contact_email="Shared@Example.com"))
    assert [r["contact_id"] for r in found] == [str(in_a), str(in_b)]
    scoped_key, _ = tenant.key(client_id=b)
    found = rows(get(http, "contacts/read", scoped_key, contact_email="shared@example.com"))
    assert [r["contact_id"] for r in found] == [str(in_b)]
    failed(get(http, "contacts/read", tenant.api_key, contact_email="nobody@example.com"), NO_RESOURCE)


def test_read_by_phone_or_mobile_compares_digits_and_returns_the_first_match(
    http: httpx.Client, tenant: Tenant
) -> None:
    client_id = tenant.client()
    by_phone = new_contact(http, tenant.api_key, client_id, "Ana", "ana@example.com", contact_phone="555-0100")
    by_mobile = new_contact(http, tenant.api_key, client_id, "Bob", "bob@example.com", contact_mobile="(555) 0199")
    new_contact(http, tenant.api_key, client_id, "Cy", "cy@example.com", contact_mobile="5550100")
    new_contact(http, tenant.api_key, client_id, "No number", "none@example.com")
    found = rows(get(http, "contacts/read", tenant.api_key, contact_phone_or_mobile="+555 0100"))
    assert [r["contact_id"] for r in found] == [str(by_phone)]
    found = rows(get(http, "contacts/read", tenant.api_key, contact_phone_or_mobile="555.0199"))
    assert [r["contact_id"] for r in found] == [str(by_mobile)]
    # No digits: no number to look for (the original matched the first contact without a mobile).
    failed(get(http, "contacts/read", tenant.api_key, contact_phone_or_mobile="n/a"), NO_RESOURCE)


def test_phone_or_mobile_search_respects_scope_on_both_branches(http: httpx.Client, tenant: Tenant) -> None:
    mine, theirs = tenant.client("Mine"), tenant.client("Theirs")
    new_contact(http, tenant.api_key, theirs, "Their mobile", "m@example.com", contact_mobile="0700111222")
    new_contact(http, tenant.api_key, theirs, "Their phone", "p@example.com", contact_phone="0700333444")
    scoped_key, _ = tenant.key(client_id=mine)
    failed(get(http, "contacts/read", scoped_key, contact_phone_or_mobile="0700111222"), NO_RESOURCE)
    failed(get(http, "contacts/read", scoped_key, contact_phone_or_mobile="0700333444"), NO_RESOURCE)
    assert len(rows(get(http, "contacts/read", tenant.api_key, contact_phone_or_mobile="0700111222"))) == 1


def test_filters_are_tried_in_order(http: httpx.Client, tenant: Tenant) -> None:
    client_id = tenant.client()
    ana = new_contact(http, tenant.api_key, client_id, "Ana", "ana@example.com", contact_phone="111")
    bob = new_contact(http, tenant.api_key, client_id, "Bob", "bob@example.com", contact_phone="222")
    found = rows(get(http, "contacts/read", tenant.api_key, contact_id=ana, contact_email="bob@example.com"))
    assert [r["contact_id"] for r in found] == [str(ana)]
    found = rows(
        get(http, "contacts/read", tenant.api_key, contact_email="bob@example.com", contact_phone_or_mobile="111")
    )
    assert [r["contact_id"] for r in found] == [str(bob)]
    failed(get(http, "contacts/read", tenant.api_key, contact_id="abc"), "contact_id must be a whole number.", 400)


def test_read_all_is_ordered_and_paged(http: httpx.Client, tenant: Tenant) -> None:
    client_id = tenant.client()
    ids = [new_contact(http, tenant.api_key, client_id, f"C{n}", f"c{n}@example.com") for n in range(5)]
    assert [r["contact_id"] for r in rows(get(http, "contacts/read", tenant.api_key))] == [str(i) for i in ids]
    page = rows(get(http, "contacts/read", tenant.api_key, limit=2, offset=3))
    assert [r["contact_id"] for r in page] == [str(ids[3]), str(ids[4])]
    failed(get(http, "contacts/read", tenant.api_key, limit=2, offset=5), NO_RESOURCE)
    failed(get(http, "contacts/read", tenant.api_key, limit=0), NO_RESOURCE)
    # A lookup by id is not paged.
    assert len(rows(get(http, "contacts/read", tenant.api_key, contact_id=ids[0], offset=3))) == 1


# ---- update, delete, archive ---------------------------------------------------------------------


def test_update_changes_only_the_fields_sent(http: httpx.Client, tenant: Tenant) -> None:
    client_id = tenant.client()
    contact_id = new_contact(http, tenant.api_key, client_id, "Ana", "ana@example.com", contact_title="CTO")
    done(
        send(
            http,
            "contacts/update",
            tenant.api_key,
            client_id=client_id,
            contact_id=contact_id,
            contact_mobile="+40 722 000 111",
        )
    )
    row = read_one(http, tenant.api_key, contact_id)
    assert (row["contact_name"], row["contact_title"], row["contact_mobile"]) == ("Ana", "CTO", "40722000111")
    assert row["contact_updated_at"] is not None
    # Nothing changes, yet the contact exists: success.
    done(send(http, "contacts/update", tenant.api_key, client_id=client_id, contact_id=contact_id, contact_name="Ana"))
    failed(
        send(http, "contacts/update", tenant.api_key, client_id=client_id, contact_id=contact_id, contact_email=""),
        "contact_email cannot be empty.",
        400,
    )
    failed(send(http, "contacts/update", tenant.api_key, client_id=client_id, contact_name="X"), UPDATE_FAILED)


def test_update_needs_the_contacts_own_client(http: httpx.Client, tenant: Tenant) -> None:
    a, b = tenant.client("A"), tenant.client("B")
    contact_id = new_contact(http, tenant.api_key, a, "Ana", "ana@example.com")
    failed(
        send(http, "contacts/update", tenant.api_key, client_id=b, contact_id=contact_id, contact_name="X"),
        UPDATE_FAILED,
    )
    failed(send(http, "contacts/update", tenant.api_key, contact_id=contact_id, contact_name="X"), UPDATE_FAILED)
    assert read_one(http, tenant.api_key, contact_id)["contact_name"] == "Ana"


def test_archive_clears_the_flags_and_unarchive_keeps_them_cleared(http: httpx.Client, tenant: Tenant) -> None:
    client_id = tenant.client()
    contact_id = new_contact(
        http,
        tenant.api_key,
        client_id,
        "Ana",
        "ana@example.com",
        contact_primary=1,
        contact_important=1,
        contact_billing=1,
        contact_technical=1,
    )
    done(send(http, "contacts/archive", tenant.api_key, client_id=client_id, contact_id=contact_id))
    row = read_one(http, tenant.api_key, contact_id)
    assert row["contact_archived_at"] is not None
    flags = ("contact_primary", "contact_important", "contact_billing", "contact_technical")
    assert [row[f] for f in flags] == ["1", "0", "0", "0"]
    failed(send(http, "contacts/archive", tenant.api_key, client_id=client_id, contact_id=contact_id), UPDATE_FAILED)
    done(send(http, "contacts/unarchive", tenant.api_key, client_id=client_id, contact_id=contact_id))
    row = read_one(http, tenant.api_key, contact_id)
    assert row["contact_archived_at"] is None
    assert [row[f] for f in flags] == ["1", "0", "0", "0"]
    failed(send(http, "contacts/unarchive", tenant.api_key, client_id=client_id, contact_id=contact_id), UPDATE_FAILED)


def test_delete_removes_the_contact(http: httpx.Client, tenant: Tenant) -> None:
    client_id = tenant.client()
    contact_id = new_contact(http, tenant.api_key, client_id, "Ana", "ana@example.com")
    failed(send(http, "contacts/delete", tenant.api_key, client_id=client_id + 1, contact_id=contact_id), DELETE_FAILED)
    done(send(http, "contacts/delete", tenant.api_key, client_id=client_id, contact_id=contact_id))
    failed(get(http, "contacts/read", tenant.api_key, contact_id=contact_id), NO_RESOURCE)
    failed(send(http, "contacts/delete", tenant.api_key, client_id=client_id, contact_id=contact_id), DELETE_FAILED)


# ---- scope ---------------------------------------------------------------------------------------


def test_a_scoped_key_never_touches_another_clients_contacts(http: httpx.Client, tenant: Tenant) -> None:
    mine, theirs = tenant.client("Mine"), tenant.client("Theirs")
    own = new_contact(http, tenant.api_key, mine, "Own", "own@example.com")
    other = new_contact(http, tenant.api_key, theirs, "Other", "other@example.com", contact_important=1)
    # A vendor's contact has no client: it is not a client's to see.
    vendor_contact = tenant.add(models.Contact, contact_name="Vendor rep", contact_vendor_id=3)
    scoped_key, _ = tenant.key(client_id=mine)
    assert [r["contact_id"] for r in rows(get(http, "contacts/read", scoped_key))] == [str(own)]
    for hidden in (other, vendor_contact):
        failed(get(http, "contacts/read", scoped_key, contact_id=hidden), NO_RESOURCE)
    failed(get(http, "contacts/read", scoped_key, client_id=theirs), NO_RESOURCE)
    for function, failure in (("update", UPDATE_FAILED), ("archive", UPDATE_FAILED), ("delete", DELETE_FAILED)):
        reply = send(http, f"contacts/{function}", scoped_key, client_id=theirs, contact_id=other, contact_name="X")
        failed(reply, failure)
    done(send(http, "contacts/archive", tenant.api_key, client_id=theirs, contact_id=other))
    failed(send(http, "contacts/unarchive", scoped_key, client_id=theirs, contact_id=other), UPDATE_FAILED)
    row = read_one(http, tenant.api_key, other)
    assert (row["contact_name"], row["contact_archived_at"] is not None) == ("Other", True)
    # A create is forced to the key's own client, whatever client_id says.
    forced = new_contact(http, scoped_key, theirs, "Forced", "forced@example.com")
    assert read_one(http, tenant.api_key, forced)["contact_client_id"] == str(mine)


def test_all_clients_key_reads_may_filter_by_client(http: httpx.Client, tenant: Tenant) -> None:
    a, b = tenant.client("A"), tenant.client("B")
    new_contact(http, tenant.api_key, a, "Ana", "ana@example.com")
    in_b = new_contact(http, tenant.api_key, b, "Bob", "bob@example.com")
    found = rows(get(http, "contacts/read", tenant.api_key, client_id=b))
    assert [r["contact_id"] for r in found] == [str(in_b)]


def test_every_endpoint_checks_method_and_key(http: httpx.Client, tenant: Tenant) -> None:
    for function, method in [
        ("read", "GET"),
        ("create", "POST"),
        ("update", "POST"),
        ("delete", "POST"),
        ("archive", "POST"),
        ("unarchive", "POST"),
    ]:
        check_guards(http, f"contacts/{function}", method, tenant.api_key)
