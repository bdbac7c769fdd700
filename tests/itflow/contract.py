"""What every ITFlow record module does alike, tested at the HTTP level once per module.

A module's test file describes the module in a `Module` and subclasses `ModuleContract` with it; pytest
then runs every contract test for that module (on SQLite and PostgreSQL) beside the module's own tests.
The helpers here (`read`, `post`, `create`, `row_of`) are what those tests use to speak the wire.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, ClassVar

import httpx
import pytest

from tests.itflow import wire
from tests.itflow.factories import Tenant, new_tenant

NO_RESOURCE = {"success": "False", "message": wire.NO_RESOURCE}
CREATE_FAILED = {"success": "False", "message": wire.CREATE_FAILED}
UPDATE_FAILED = {"success": "False", "message": wire.UPDATE_FAILED}
DELETE_FAILED = {"success": "False", "message": wire.DELETE_FAILED}
UPDATED = {"success": "True", "count": 1}
DELETED = {"success": "True", "count": 1}
DATETIME = re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}")


@dataclass(frozen=True)
class Invalid:
    """A value a create or update must refuse with HTTP 400 and exactly `message`."""

    field: str
    value: Any
    message: str


@dataclass(frozen=True)
class Module:
    """One module as its wire shows it."""

    name: str
    model: type[Any]
    pk: str
    client_column: str
    # The exact keys, in order, of a row read by id.
    columns: tuple[str, ...]
    # The smallest create body besides client_id (for these modules a field's name is its column's).
    required: dict[str, str]
    # What a create stores for some fields it was not sent.
    create_defaults: dict[str, str | None]
    # A value for every writable field that is a column of the module's table (a create stores them all).
    every_field: dict[str, Any]
    # A text read filter on the column of the same name.
    name_filter: str
    # An update body, and the row values it leads to.
    update: dict[str, Any]
    updated: dict[str, str | None]
    invalid: tuple[Invalid, ...]
    date_field: str | None = None

    @property
    def stamp(self) -> str:
        return self.pk.removesuffix("_id")


def read(http: httpx.Client, module: str, api_key: str, **params: Any) -> httpx.Response:
    return http.get(f"/api/v1/{module}/read.php", params={"api_key": api_key, **params})


def post(http: httpx.Client, module: str, function: str, api_key: str, **fields: Any) -> httpx.Response:
    return http.post(f"/api/v1/{module}/{function}.php", json={"api_key": api_key, **fields})


def create(http: httpx.Client, api_key: str, module: Module, client_id: int, **fields: Any) -> int:
    """Creates a record with the module's required fields (overridden by `fields`); returns its id."""
    body = post(http, module.name, "create", api_key, client_id=client_id, **{**module.required, **fields}).json()
    assert body["success"] == "True", body
    insert_id: int = body["data"][0]["insert_id"]
    return insert_id


def row_of(http: httpx.Client, api_key: str, module: Module, record_id: int) -> dict[str, Any]:
    """The record's wire row, read by id."""
    body = read(http, module.name, api_key, **{module.pk: record_id}).json()
    assert body["success"] == "True" and body["count"] == 1, body
    row: dict[str, Any] = body["data"][0]
    return row


def ids_of(reply: httpx.Response) -> list[int]:
    body = reply.json()
    assert body["success"] == "True", body
    assert body["count"] == len(body["data"])
    return [int(row[next(iter(row))]) for row in body["data"]]


class ModuleContract:
    """The shared behaviour; a subclass named Test<Module>Contract sets `module`."""

    module: ClassVar[Module]

    def test_create_answers_its_id_and_the_row_reads_back_as_strings(self, http: httpx.Client, tenant: Tenant) -> None:
        m = self.module
        client_id = tenant.client()
        reply = post(http, m.name, "create", tenant.api_key, client_id=client_id, **m.required)
        assert reply.status_code == 200
        assert reply.headers["content-type"] == "application/json"
        body = reply.json()
        new_id = body["data"][0]["insert_id"]
        assert type(new_id) is int
        assert body == {"success": "True", "count": "1", "data": [{"insert_id": new_id}]}

        reply = read(http, m.name, tenant.api_key, **{m.pk: new_id})
        body = reply.json()
        assert body["success"] == "True" and body["count"] == 1
        row = body["data"][0]
        assert list(row) == list(m.columns)
        assert all(value is None or type(value) is str for value in row.values())
        assert row[m.pk] == str(new_id)
        assert row[m.client_column] == str(client_id)
        for column, value in {**m.required, **m.create_defaults}.items():
            assert row[column] == value, column
        assert DATETIME.fullmatch(row[f"{m.stamp}_created_at"])
        assert row[f"{m.stamp}_updated_at"] is None
        assert row[f"{m.stamp}_archived_at"] is None

    def test_every_writable_field_is_stored(self, http: httpx.Client, tenant: Tenant) -> None:
        m = self.module
        record = create(http, tenant.api_key, m, tenant.client(), **m.every_field)
        row = row_of(http, tenant.api_key, m, record)
        # Numbers and booleans come back as the text of their whole number.
        expected = {k: v if isinstance(v, str) else str(int(v)) for k, v in m.every_field.items()}
        assert {k: row[k] for k in expected} == expected

    def test_create_needs_every_required_field_and_a_client_of_this_company(
        self, http: httpx.Client, tenant: Tenant
    ) -> None:
        m = self.module
        client_id = tenant.client()
        for name in m.required:
            missing = {k: v for k, v in m.required.items() if k != name}
            reply = post(http, m.name, "create", tenant.api_key, client_id=client_id, **missing)
            assert reply.json() == CREATE_FAILED, name
            blank = {**m.required, name: "  "}
            assert post(http, m.name, "create", tenant.api_key, client_id=client_id, **blank).json() == CREATE_FAILED
        # An all-clients key must name the client, and it must be one of its own company's.
        assert post(http, m.name, "create", tenant.api_key, **m.required).json() == CREATE_FAILED
        foreign_client = new_tenant(tenant.server).client()
        reply = post(http, m.name, "create", tenant.api_key, client_id=foreign_client, **m.required)
        assert reply.json() == CREATE_FAILED
        assert tenant.count(m.model) == 0

    def test_read_by_id_needs_a_whole_number(self, http: httpx.Client, tenant: Tenant) -> None:
        m = self.module
        reply = read(http, m.name, tenant.api_key, **{m.pk: "12abc"})
        assert reply.status_code == 400
        assert reply.json() == {"success": "False", "message": f"{m.pk} must be a whole number."}
        assert read(http, m.name, tenant.api_key, **{m.pk: 2_000_000_000}).json() == NO_RESOURCE

    def test_read_by_name_ignores_case(self, http: httpx.Client, tenant: Tenant) -> None:
        m = self.module
        client_id = tenant.client()
        wanted = create(http, tenant.api_key, m, client_id, **{m.name_filter: "Alpha One"})
        create(http, tenant.api_key, m, client_id, **{m.name_filter: "Beta"})
        reply = read(http, m.name, tenant.api_key, **{m.name_filter: "ALPHA one"})
        assert ids_of(reply) == [wanted]
        assert list(reply.json()["data"][0]) == list(m.columns)
        assert read(http, m.name, tenant.api_key, **{m.name_filter: "Gamma"}).json() == NO_RESOURCE

    def test_list_is_paged_in_id_order(self, http: httpx.Client, tenant: Tenant) -> None:
        m = self.module
        client_id = tenant.client()
        records = [create(http, tenant.api_key, m, client_id) for _ in range(3)]
        assert ids_of(read(http, m.name, tenant.api_key)) == records
        assert ids_of(read(http, m.name, tenant.api_key, limit=2)) == records[:2]
        assert ids_of(read(http, m.name, tenant.api_key, limit=2, offset=2)) == records[2:]
        assert read(http, m.name, tenant.api_key, offset=3).json() == NO_RESOURCE
        assert read(http, m.name, tenant.api_key, limit=0).json() == NO_RESOURCE
        reply = read(http, m.name, tenant.api_key, limit=-1)
        assert reply.status_code == 400
        assert reply.json() == {"success": "False", "message": "limit must be between 0 and 10000."}
        # A lookup by id is not paged.
        by_id = read(http, m.name, tenant.api_key, limit=1, offset=5, **{m.pk: records[2]})
        assert ids_of(by_id) == [records[2]]

    def test_client_id_filters_reads_of_an_all_clients_key(self, http: httpx.Client, tenant: Tenant) -> None:
        m = self.module
        first, second = tenant.client("First"), tenant.client("Second")
        mine = create(http, tenant.api_key, m, first)
        theirs = create(http, tenant.api_key, m, second)
        assert ids_of(read(http, m.name, tenant.api_key)) == [mine, theirs]
        assert ids_of(read(http, m.name, tenant.api_key, client_id=second)) == [theirs]
        assert read(http, m.name, tenant.api_key, client_id=second, **{m.pk: mine}).json() == NO_RESOURCE
        reply = read(http, m.name, tenant.api_key, client_id="second")
        assert reply.status_code == 400
        assert reply.json() == {"success": "False", "message": "client_id must be a whole number."}

    def test_client_scoped_key_stays_within_its_client(self, http: httpx.Client, tenant: Tenant) -> None:
        m = self.module
        own_client, other_client = tenant.client("Own"), tenant.client("Other")
        own = create(http, tenant.api_key, m, own_client)
        foreign = create(http, tenant.api_key, m, other_client)
        shared = tenant.add(m.model, **m.required, **{m.client_column: 0})
        scoped, _ = tenant.key(client_id=own_client)

        # Reads: its client's records and the global ones (client 0), never another client's.
        assert ids_of(read(http, m.name, scoped)) == [own, shared]
        assert read(http, m.name, scoped, **{m.pk: foreign}).json() == NO_RESOURCE
        assert read(http, m.name, scoped, client_id=other_client).json() == NO_RESOURCE
        assert ids_of(read(http, m.name, scoped, client_id=own_client)) == [own]

        # Writes on another client's record fail like a missing record and change nothing.
        before = row_of(http, tenant.api_key, m, foreign)
        reply = post(http, m.name, "update", scoped, client_id=other_client, **{m.pk: foreign}, **m.update)
        assert reply.json() == UPDATE_FAILED
        assert post(http, m.name, "delete", scoped, client_id=other_client, **{m.pk: foreign}).json() == DELETE_FAILED
        assert row_of(http, tenant.api_key, m, foreign) == before

        # Its creates belong to its client, whatever client_id says.
        created = create(http, scoped, m, other_client)
        assert row_of(http, tenant.api_key, m, created)[m.client_column] == str(own_client)
        assert post(http, m.name, "update", scoped, **{m.pk: created}, **m.update).json() == UPDATED
        assert post(http, m.name, "delete", scoped, **{m.pk: created}).json() == DELETED

    def test_update_changes_the_fields_sent_and_keeps_the_others(self, http: httpx.Client, tenant: Tenant) -> None:
        m = self.module
        client_id = tenant.client()
        record = create(http, tenant.api_key, m, client_id)
        before = row_of(http, tenant.api_key, m, record)
        reply = post(http, m.name, "update", tenant.api_key, client_id=client_id, **{m.pk: record}, **m.update)
        assert reply.status_code == 200
        assert reply.json() == UPDATED
        after = row_of(http, tenant.api_key, m, record)
        for column, value in m.updated.items():
            assert after[column] == value, column
        assert DATETIME.fullmatch(after[f"{m.stamp}_updated_at"])
        unchanged = set(m.columns) - set(m.updated) - {f"{m.stamp}_updated_at"}
        assert {c: after[c] for c in unchanged} == {c: before[c] for c in unchanged}

        # Sending the same values again changes nothing and still succeeds (the original says "False").
        reply = post(http, m.name, "update", tenant.api_key, client_id=client_id, **{m.pk: record}, **m.update)
        assert reply.json() == UPDATED
        assert row_of(http, tenant.api_key, m, record) == after

    def test_update_of_a_required_field_to_empty_is_refused(self, http: httpx.Client, tenant: Tenant) -> None:
        m = self.module
        client_id = tenant.client()
        record = create(http, tenant.api_key, m, client_id)
        name = next(iter(m.required))
        reply = post(http, m.name, "update", tenant.api_key, client_id=client_id, **{m.pk: record, name: ""})
        assert reply.status_code == 400
        assert reply.json() == {"success": "False", "message": f"{name} cannot be empty."}
        assert row_of(http, tenant.api_key, m, record)[name] == m.required[name]

    def test_update_and_delete_fail_for_a_missing_or_mismatched_record(
        self, http: httpx.Client, tenant: Tenant
    ) -> None:
        m = self.module
        client_id, other_client = tenant.client("Owner"), tenant.client("Other")
        record = create(http, tenant.api_key, m, client_id)
        before = row_of(http, tenant.api_key, m, record)
        for function, failed in (("update", UPDATE_FAILED), ("delete", DELETE_FAILED)):
            fields = m.update if function == "update" else {}
            attempts: list[dict[str, Any]] = [
                {"client_id": client_id},  # no id
                {"client_id": client_id, m.pk: 2_000_000_000},  # no such record
                {"client_id": other_client, m.pk: record},  # another client's id
                {m.pk: record},  # an all-clients key names the record's client
            ]
            for attempt in attempts:
                assert post(http, m.name, function, tenant.api_key, **attempt, **fields).json() == failed, attempt
            reply = post(http, m.name, function, tenant.api_key, client_id=client_id, **{m.pk: "one"}, **fields)
            assert reply.status_code == 400
            assert reply.json() == {"success": "False", "message": f"{m.pk} must be a whole number."}
        # Another company's key cannot touch it either.
        outsider = new_tenant(tenant.server)
        reply = post(http, m.name, "delete", outsider.api_key, client_id=client_id, **{m.pk: record})
        assert reply.json() == DELETE_FAILED
        assert read(http, m.name, outsider.api_key, **{m.pk: record}).json() == NO_RESOURCE
        assert row_of(http, tenant.api_key, m, record) == before

    def test_delete_removes_the_record(self, http: httpx.Client, tenant: Tenant) -> None:
        m = self.module
        client_id = tenant.client()
        record = create(http, tenant.api_key, m, client_id)
        kept = create(http, tenant.api_key, m, client_id)
        reply = post(http, m.name, "delete", tenant.api_key, client_id=client_id, **{m.pk: record})
        assert reply.status_code == 200
        assert reply.json() == DELETED
        assert read(http, m.name, tenant.api_key, **{m.pk: record}).json() == NO_RESOURCE
        assert ids_of(read(http, m.name, tenant.api_key)) == [kept]
        reply = post(http, m.name, "delete", tenant.api_key, client_id=client_id, **{m.pk: record})
        assert reply.json() == DELETE_FAILED

    def test_invalid_values_are_refused_with_400_naming_the_field(self, http: httpx.Client, tenant: Tenant) -> None:
        m = self.module
        client_id = tenant.client()
        record = create(http, tenant.api_key, m, client_id)
        before = row_of(http, tenant.api_key, m, record)
        for case in m.invalid:
            expected = {"success": "False", "message": case.message}
            bad = {case.field: case.value}
            reply = post(http, m.name, "create", tenant.api_key, client_id=client_id, **{**m.required, **bad})
            assert (reply.status_code, reply.json()) == (400, expected), case
            reply = post(http, m.name, "update", tenant.api_key, client_id=client_id, **{m.pk: record}, **bad)
            assert (reply.status_code, reply.json()) == (400, expected), case
        assert tenant.count(m.model) == 1
        assert row_of(http, tenant.api_key, m, record) == before

    def test_empty_and_zero_dates_mean_no_date(self, http: httpx.Client, tenant: Tenant) -> None:
        m = self.module
        if m.date_field is None:
            pytest.skip(f"{m.name} have no date field")
        client_id = tenant.client()
        dated = create(http, tenant.api_key, m, client_id, **{m.date_field: "2024-01-02"})
        assert row_of(http, tenant.api_key, m, dated)[m.date_field] == "2024-01-02"
        undated = create(http, tenant.api_key, m, client_id, **{m.date_field: "0000-00-00"})
        assert row_of(http, tenant.api_key, m, undated)[m.date_field] is None
        # Unlike the original, an update can clear a date.
        reply = post(http, m.name, "update", tenant.api_key, client_id=client_id, **{m.pk: dated, m.date_field: ""})
        assert reply.json() == UPDATED
        assert row_of(http, tenant.api_key, m, dated)[m.date_field] is None

    def test_wrong_method_is_405(self, http: httpx.Client, tenant: Tenant) -> None:
        m = self.module
        reply = http.post(f"/api/v1/{m.name}/read.php", json={"api_key": tenant.api_key})
        assert reply.status_code == 405
        assert reply.json() == {"success": "False", "message": "Can only send GET requests to this endpoint."}
        for function in ("create", "update", "delete"):
            reply = http.get(f"/api/v1/{m.name}/{function}.php", params={"api_key": tenant.api_key})
            assert reply.status_code == 405
            assert reply.json() == {"success": "False", "message": "Can only send POST requests to this endpoint."}
