"""tickets/*.php at the HTTP level: numbering (also under concurrency), defaults, status join, resolve, scope."""

from __future__ import annotations

from typing import Any

import httpx
from sqlalchemy import func, select, update

from flowsuite.itflow import models
from tests.itflow.factories import Tenant, new_tenant
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

TICKET_COLUMNS = [
    "ticket_id",
    "ticket_prefix",
    "ticket_number",
    "ticket_source",
    "ticket_category",
    "ticket_subject",
    "ticket_details",
    "ticket_priority",
    "ticket_status",
    "ticket_sla_id",
    "ticket_billable",
    "ticket_schedule",
    "ticket_onsite",
    "ticket_vendor_ticket_number",
    "ticket_feedback",
    "ticket_url_key",
    "ticket_created_at",
    "ticket_updated_at",
    "ticket_due_at",
    "ticket_resolved_at",
    "ticket_archived_at",
    "ticket_first_response_at",
    "ticket_response_due_at",
    "ticket_resolution_due_at",
    "ticket_response_sla_met",
    "ticket_resolution_sla_met",
    "ticket_response_sla_alert_stage",
    "ticket_resolution_sla_alert_stage",
    "ticket_closed_at",
    "ticket_created_by",
    "ticket_assigned_to",
    "ticket_closed_by",
    "ticket_vendor_id",
    "ticket_client_id",
    "ticket_contact_id",
    "ticket_location_id",
    "ticket_asset_id",
    "ticket_quote_id",
    "ticket_invoice_id",
    "ticket_project_id",
    "ticket_recurring_ticket_id",
    "ticket_order",
]
STATUS_COLUMNS = [
    "ticket_status_id",
    "ticket_status_name",
    "ticket_status_color",
    "ticket_status_active",
    "ticket_status_pauses_sla",
    "ticket_status_order",
]


def new_ticket(http: httpx.Client, api_key: str, client_id: int = 0, subject: str = "Printer", **fields: Any) -> int:
    return created(send(http, "tickets/create", api_key, client_id=client_id, ticket_subject=subject, **fields))


def read_one(http: httpx.Client, api_key: str, ticket_id: int) -> dict[str, Any]:
    (row,) = rows(get(http, "tickets/read", api_key, ticket_id=ticket_id))
    return row


def next_number(tenant: Tenant) -> int:
    with tenant.server.db.transaction() as session:
        settings = session.get(models.ITFlowSettings, tenant.company_id)
        assert settings is not None
        return settings.ticket_next_number


def ticket_count(tenant: Tenant) -> int:
    with tenant.server.db.transaction() as session:
        count = session.scalar(select(func.count()).where(models.Ticket.company_id == tenant.company_id))
        return int(count or 0)


# ---- create --------------------------------------------------------------------------------------


def test_create_fills_in_the_originals_values_and_read_by_id_joins_the_status(
    http: httpx.Client, tenant: Tenant
) -> None:
    ticket_id = new_ticket(http, tenant.api_key, subject=" Printer on fire ")
    row = read_one(http, tenant.api_key, ticket_id)
    assert list(row) == TICKET_COLUMNS + STATUS_COLUMNS
    assert len(row["ticket_created_at"]) == 19
    url_key = row["ticket_url_key"]
    assert len(url_key) == 32 and url_key.replace("-", "").replace("_", "").isalnum()
    expected = dict.fromkeys(TICKET_COLUMNS + STATUS_COLUMNS)
    expected.update(
        {
            "ticket_id": str(ticket_id),
            "ticket_prefix": "TCK-",
            "ticket_number": "1",
            "ticket_source": "API",
            "ticket_subject": "Printer on fire",
            "ticket_details": "",
            "ticket_priority": "Low",
            "ticket_status": "1",
            "ticket_vendor_ticket_number": "",
            "ticket_url_key": url_key,
            "ticket_created_at": row["ticket_created_at"],
            **dict.fromkeys(
                (
                    "ticket_sla_id",
                    "ticket_billable",
                    "ticket_onsite",
                    "ticket_response_sla_alert_stage",
                    "ticket_resolution_sla_alert_stage",
                    "ticket_created_by",
                    "ticket_assigned_to",
                    "ticket_closed_by",
                    "ticket_vendor_id",
                    "ticket_client_id",
                    "ticket_contact_id",
                    "ticket_location_id",
                    "ticket_asset_id",
                    "ticket_quote_id",
                    "ticket_invoice_id",
                    "ticket_project_id",
                    "ticket_recurring_ticket_id",
                    "ticket_order",
                ),
                "0",
            ),
            "ticket_status_id": "1",
            "ticket_status_name": "New",
            "ticket_status_color": "#dc3545",
            "ticket_status_active": "1",
            "ticket_status_pauses_sla": "0",
            "ticket_status_order": "1",
        }
    )
    assert row == expected


def test_create_keeps_html_and_the_vendor_ticket_number_as_sent(http: httpx.Client, tenant: Tenant) -> None:
    client_id = tenant.client()
    ticket_id = new_ticket(
        http,
        tenant.api_key,
        client_id,
        ticket_details="<p>Smoke from <b>tray 2</b></p>\n",
        ticket_priority="High",
        ticket_vendor_ticket_id="ABC-123",
        ticket_asset_id=4,
        ticket_vendor_id="5",
        ticket_assigned_to=6,
        ticket_billable=True,
    )
    row = read_one(http, tenant.api_key, ticket_id)
    assert row["ticket_details"] == "<p>Smoke from <b>tray 2</b></p>\n"
    assert (row["ticket_priority"], row["ticket_vendor_ticket_number"]) == ("High", "ABC-123")
    assert (row["ticket_asset_id"], row["ticket_vendor_id"], row["ticket_assigned_to"]) == ("4", "5", "6")
    assert (row["ticket_billable"], row["ticket_client_id"]) == ("1", str(client_id))


def test_the_contact_defaults_to_the_clients_primary_contact(http: httpx.Client, tenant: Tenant) -> None:
    client_id, bare_client = tenant.client("With primary"), tenant.client("Without")
    tenant.add(models.Contact, contact_name="Other", contact_client_id=client_id)
    primary = tenant.add(models.Contact, contact_name="Boss", contact_client_id=client_id, contact_primary=1)
    tenant.add(models.Contact, contact_name="Elsewhere", contact_client_id=bare_client)
    assert read_one(http, tenant.api_key, new_ticket(http, tenant.api_key, client_id))["ticket_contact_id"] == str(
        primary
    )
    chosen = new_ticket(http, tenant.api_key, client_id, ticket_contact_id=77)
    assert read_one(http, tenant.api_key, chosen)["ticket_contact_id"] == "77"
    assert read_one(http, tenant.api_key, new_ticket(http, tenant.api_key, bare_client))["ticket_contact_id"] == "0"


def test_numbers_follow_the_companys_settings_and_are_per_company(http: httpx.Client, tenant: Tenant) -> None:
    with tenant.server.db.transaction(write=True) as session:
        settings = session.get(models.ITFlowSettings, tenant.company_id)
        assert settings is not None
        settings.ticket_prefix, settings.ticket_next_number = "INC-", 500
    first, second = new_ticket(http, tenant.api_key), new_ticket(http, tenant.api_key)
    assert [read_one(http, tenant.api_key, t)["ticket_number"] for t in (first, second)] == ["500", "501"]
    assert read_one(http, tenant.api_key, first)["ticket_prefix"] == "INC-"
    assert next_number(tenant) == 502
    other = new_tenant(tenant.server)
    assert read_one(http, other.api_key, new_ticket(http, other.api_key))["ticket_number"] == "1"


def test_concurrent_creates_get_distinct_consecutive_numbers(http: httpx.Client, tenant: Tenant, twin_url: str) -> None:
    count = 24
    bodies = [{"api_key": tenant.api_key, "ticket_subject": f"Race {n}"} for n in range(count)]
    replies = parallel_posts([tenant.server.base_url, twin_url], "tickets/create", bodies)
    ids = [created(reply) for reply in replies]
    numbers = sorted(int(r["ticket_number"]) for r in rows(get(http, "tickets/read", tenant.api_key, limit=100)))
    assert len(set(ids)) == count
    assert numbers == list(range(1, count + 1))
    assert next_number(tenant) == count + 1


def test_a_create_waiting_for_another_takes_the_following_number(http: httpx.Client, tenant: Tenant) -> None:
    settings = models.ITFlowSettings.__table__
    with tenant.server.db.transaction(write=True) as session:
        # What a concurrent create does first: take number 1 (uncommitted while the request runs).
        session.execute(
            update(settings)
            .where(settings.c.company_id == tenant.company_id)
            .values(ticket_next_number=settings.c.ticket_next_number + 1)
        )
        session.add(
            models.Ticket(
                company_id=tenant.company_id,
                ticket_prefix="TCK-",
                ticket_number=1,
                ticket_subject="First",
                ticket_details="",
            )
        )
        session.flush()
        racer = Background(lambda: send(http, "tickets/create", tenant.api_key, ticket_subject="Second"))
        wait_for_lock_waiter(tenant.server)
    ticket_id = created(racer.result())
    assert read_one(http, tenant.api_key, ticket_id)["ticket_number"] == "2"
    assert next_number(tenant) == 3


def test_a_failed_create_writes_nothing_and_uses_no_number(http: httpx.Client, tenant: Tenant) -> None:
    client_id = tenant.client()
    failed(send(http, "tickets/create", tenant.api_key, client_id=client_id), CREATE_FAILED)
    failed(send(http, "tickets/create", tenant.api_key, client_id=client_id, ticket_subject="  "), CREATE_FAILED)
    failed(send(http, "tickets/create", tenant.api_key, client_id=client_id + 999, ticket_subject="X"), CREATE_FAILED)
    failed(
        send(http, "tickets/create", tenant.api_key, ticket_subject="X", ticket_contact_id="first"),
        "ticket_contact_id must be a whole number.",
        400,
    )
    failed(
        send(http, "tickets/create", tenant.api_key, ticket_subject="s" * 501),
        "ticket_subject is too long (at most 500 characters).",
        400,
    )
    assert (ticket_count(tenant), next_number(tenant)) == (0, 1)


def test_a_number_already_taken_is_a_create_failure_not_a_500(http: httpx.Client, tenant: Tenant) -> None:
    new_ticket(http, tenant.api_key)
    with tenant.server.db.transaction(write=True) as session:
        settings = session.get(models.ITFlowSettings, tenant.company_id)
        assert settings is not None
        settings.ticket_next_number = 1
    failed(send(http, "tickets/create", tenant.api_key, ticket_subject="Clash"), CREATE_FAILED)
    assert (ticket_count(tenant), next_number(tenant)) == (1, 1)


# ---- read ----------------------------------------------------------------------------------------


def test_read_all_shows_ticket_columns_only_ordered_and_paged(http: httpx.Client, tenant: Tenant) -> None:
    ids = [new_ticket(http, tenant.api_key, subject=f"T{n}") for n in range(4)]
    found = rows(get(http, "tickets/read", tenant.api_key))
    assert [r["ticket_id"] for r in found] == [str(i) for i in ids]
    assert all(list(r) == TICKET_COLUMNS for r in found)
    page = rows(get(http, "tickets/read", tenant.api_key, limit=2, offset=2))
    assert [r["ticket_subject"] for r in page] == ["T2", "T3"]
    failed(get(http, "tickets/read", tenant.api_key, offset=4), NO_RESOURCE)
    failed(get(http, "tickets/read", tenant.api_key, ticket_id=ids[-1] + 1), NO_RESOURCE)
    failed(get(http, "tickets/read", tenant.api_key, ticket_id="1x"), "ticket_id must be a whole number.", 400)


# ---- update and delete ---------------------------------------------------------------------------


def test_update_changes_the_fields_sent(http: httpx.Client, tenant: Tenant) -> None:
    client_id = tenant.client()
    ticket_id = new_ticket(http, tenant.api_key, client_id, ticket_priority="High")
    done(
        send(
            http,
            "tickets/update",
            tenant.api_key,
            client_id=client_id,
            ticket_id=ticket_id,
            ticket_subject="Printer fixed?",
            ticket_vendor_ticket_id="V-9",
        )
    )
    row = read_one(http, tenant.api_key, ticket_id)
    assert (row["ticket_subject"], row["ticket_priority"]) == ("Printer fixed?", "High")
    assert (row["ticket_vendor_ticket_number"], row["ticket_number"]) == ("V-9", "1")
    assert row["ticket_updated_at"] is not None
    failed(
        send(http, "tickets/update", tenant.api_key, client_id=client_id, ticket_id=ticket_id, ticket_subject=""),
        "ticket_subject cannot be empty.",
        400,
    )
    failed(send(http, "tickets/update", tenant.api_key, ticket_id=ticket_id, ticket_subject="X"), UPDATE_FAILED)


def test_delete_removes_the_ticket_and_its_replies(http: httpx.Client, tenant: Tenant) -> None:
    ticket_id = new_ticket(http, tenant.api_key)
    created(send(http, "ticket_replies/create", tenant.api_key, ticket_id=ticket_id, ticket_reply="On it"))
    done(send(http, "tickets/delete", tenant.api_key, ticket_id=ticket_id))
    failed(get(http, "tickets/read", tenant.api_key, ticket_id=ticket_id), NO_RESOURCE)
    failed(get(http, "ticket_replies/read", tenant.api_key, include_archived=1), NO_RESOURCE)
    failed(send(http, "tickets/delete", tenant.api_key, ticket_id=ticket_id), DELETE_FAILED)


# ---- resolve -------------------------------------------------------------------------------------


def test_resolve_sets_status_4_and_the_times_once(http: httpx.Client, tenant: Tenant) -> None:
    client_id = tenant.client()
    ticket_id = new_ticket(http, tenant.api_key, client_id)
    failed(send(http, "tickets/resolve", tenant.api_key, ticket_id=ticket_id), UPDATE_FAILED)
    failed(send(http, "tickets/resolve", tenant.api_key, client_id=client_id, ticket_id=ticket_id + 99), UPDATE_FAILED)
    failed(send(http, "tickets/resolve", tenant.api_key, client_id=client_id), UPDATE_FAILED)
    assert read_one(http, tenant.api_key, ticket_id)["ticket_resolved_at"] is None
    done(send(http, "tickets/resolve", tenant.api_key, client_id=client_id, ticket_id=ticket_id))
    row = read_one(http, tenant.api_key, ticket_id)
    assert (row["ticket_status"], row["ticket_status_name"]) == ("4", "Resolved")
    assert row["ticket_resolved_at"] is not None and len(row["ticket_resolved_at"]) == 19
    assert row["ticket_first_response_at"] == row["ticket_resolved_at"]
    failed(send(http, "tickets/resolve", tenant.api_key, client_id=client_id, ticket_id=ticket_id), UPDATE_FAILED)


def test_a_client_less_ticket_is_resolved_with_client_0(http: httpx.Client, tenant: Tenant) -> None:
    ticket_id = new_ticket(http, tenant.api_key)
    done(send(http, "tickets/resolve", tenant.api_key, client_id=0, ticket_id=ticket_id))
    assert read_one(http, tenant.api_key, ticket_id)["ticket_status"] == "4"


# ---- scope ---------------------------------------------------------------------------------------


def test_a_scoped_key_never_touches_another_clients_tickets(http: httpx.Client, tenant: Tenant) -> None:
    mine, theirs = tenant.client("Mine"), tenant.client("Theirs")
    own = new_ticket(http, tenant.api_key, mine, "Own")
    other = new_ticket(http, tenant.api_key, theirs, "Other")
    client_less = new_ticket(http, tenant.api_key, 0, "MSP internal")
    scoped_key, _ = tenant.key(client_id=mine)
    assert [r["ticket_id"] for r in rows(get(http, "tickets/read", scoped_key))] == [str(own)]
    for hidden in (other, client_less):
        failed(get(http, "tickets/read", scoped_key, ticket_id=hidden), NO_RESOURCE)
    for target, client_id in ((other, theirs), (client_less, 0)):
        failed(send(http, "tickets/resolve", scoped_key, client_id=client_id, ticket_id=target), UPDATE_FAILED)
        failed(
            send(http, "tickets/update", scoped_key, client_id=client_id, ticket_id=target, ticket_subject="X"),
            UPDATE_FAILED,
        )
        failed(send(http, "tickets/delete", scoped_key, client_id=client_id, ticket_id=target), DELETE_FAILED)
    untouched = [read_one(http, tenant.api_key, t) for t in (other, client_less)]
    assert [(r["ticket_subject"], r["ticket_status"]) for r in untouched] == [("Other", "1"), ("MSP internal", "1")]
    done(send(http, "tickets/resolve", scoped_key, ticket_id=own))
    forced = new_ticket(http, scoped_key, theirs, "Forced")
    assert read_one(http, tenant.api_key, forced)["ticket_client_id"] == str(mine)


def test_every_endpoint_checks_method_and_key(http: httpx.Client, tenant: Tenant) -> None:
    for function, method in [
        ("read", "GET"),
        ("create", "POST"),
        ("update", "POST"),
        ("delete", "POST"),
        ("resolve", "POST"),
    ]:
        check_guards(http, f"tickets/{function}", method, tenant.api_key)
