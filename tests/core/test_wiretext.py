"""Prepared reads and writes on the driver cursor (core.wiretext), on SQLite and PostgreSQL alike.

Depends on: core.wiretext (PreparedQuery, PreparedWrite, execute_in_turn, insert_statement, wire_text,
timestamp_param) and core.db (Database.reading / writing / read_session, ReadSession).
"""

from __future__ import annotations

import datetime as dt
import uuid

import orjson
import pytest
from sqlalchemy import bindparam, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import quoted_name

from flowsuite.core.db import ReadSession, utc_now
from flowsuite.core.wiretext import (
    PreparedQuery,
    PreparedWrite,
    execute_in_turn,
    insert_statement,
    timestamp_param,
    wire_text,
)
from flowsuite.itflow import models
from flowsuite.tenancy.models import Company
from tests.services import MigratedDatabase, new_company

_COMPANIES = Company.__table__
_NEW_COMPANY = PreparedWrite(
    lambda _dialect: insert_statement(_COMPANIES, ("name", "created_at")).returning(_COMPANIES.c.id)  # type: ignore[arg-type]
)
_COMPANY_BY_NAME = PreparedQuery(
    lambda dialect: select(
        # A quoted_name label: a str subclass, as SQLAlchemy may hand out for a name.
        _COMPANIES.c.id, _COMPANIES.c.name.label(quoted_name("company_name", True)), _COMPANIES.c.timezone,
        wire_text(_COMPANIES.c.created_at, dialect).label("created_at"),
    ).where(_COMPANIES.c.name == bindparam("name"))
)  # fmt: skip
_CLIENTS = models.Client.__table__
_CLIENT = PreparedQuery(
    lambda dialect: select(
        *(wire_text(_CLIENTS.c[name], dialect).label(name) for name in
          ("client_id", "client_rate", "client_net_terms", "client_created_at", "client_updated_at"))
    ).where(_CLIENTS.c.client_id == bindparam("client_id"))
)  # fmt: skip
_ASSETS = models.Asset.__table__
_ASSET_DATE = PreparedQuery(
    lambda dialect: select(wire_text(_ASSETS.c.asset_purchase_date, dialect)).where(
        _ASSETS.c.asset_id == bindparam("asset_id")
    )
)
_REPLIES = models.TicketReply.__table__
_TIME_WORKED = PreparedQuery(
    lambda dialect: select(wire_text(_REPLIES.c.ticket_reply_time_worked, dialect)).where(
        _REPLIES.c.ticket_reply_id == bindparam("reply_id")
    )
)


def a_name() -> str:
    return f"Prepared {uuid.uuid4().hex}"


def new_company_params(name: str) -> dict[str, str]:
    return {"name": name, "created_at": "2026-11-22 08:33:32"}


def test_a_prepared_write_and_read_in_a_session_return_rows_and_plain_str_names(session: Session) -> None:
    name = a_name()

    [(company_id,)] = _NEW_COMPANY.execute(session, new_company_params(name))[1]

    names, rows = _COMPANY_BY_NAME.execute(session, {"name": name})
    assert names == ("id", "company_name", "timezone", "created_at")
    assert all(type(column) is str for column in names)  # orjson refuses a str subclass as a key
    # The constant default of a column not bound is written in (insert_statement).
    assert rows == [(company_id, name, "Europe/Bucharest", "2026-11-22 08:33:32")]
    assert _COMPANY_BY_NAME.dicts(session, {"name": name}) == [
        {"id": company_id, "company_name": name, "timezone": "Europe/Bucharest", "created_at": "2026-11-22 08:33:32"}
    ]
    assert orjson.loads(orjson.dumps(_COMPANY_BY_NAME.dicts(session, {"name": name})))[0]["company_name"] == name
    assert _COMPANY_BY_NAME.execute(session, {"name": a_name()}) == (names, [])


def test_queries_run_in_turn_each_seeing_the_one_before(session: Session) -> None:
    name = a_name()

    results = execute_in_turn(session, [(_NEW_COMPANY, new_company_params(name)), (_COMPANY_BY_NAME, {"name": name})])

    [(_, [(company_id,)]), (read_names, [read])] = results
    assert read_names[:2] == ("id", "company_name")
    assert read[:2] == (company_id, name)


def test_a_prepared_write_names_the_columns_it_returns(session: Session) -> None:
    names, rows = _NEW_COMPANY.execute(session, new_company_params(a_name()))
    assert len(rows) == 1
    assert names == ("id",)


def test_a_write_connection_commits_and_a_read_connection_sees_it(migrated: MigratedDatabase) -> None:
    name = a_name()

    with migrated.db.writing() as connection:
        [(company_id,)] = _NEW_COMPANY.execute(connection, new_company_params(name))[1]

    with migrated.db.reading() as reader:
        assert _COMPANY_BY_NAME.execute(reader, {"name": name})[1][0][:2] == (company_id, name)
    with migrated.db.read_session() as read_session:
        assert _COMPANY_BY_NAME.dicts(read_session, {"name": name})[0]["id"] == company_id


def test_a_prepared_writes_unique_violation_arrives_as_sqlalchemys_integrity_error(migrated: MigratedDatabase) -> None:
    taken, fresh = a_name(), a_name()
    with migrated.db.writing() as connection:
        _NEW_COMPANY.execute(connection, new_company_params(taken))

    with pytest.raises(IntegrityError), migrated.db.writing() as connection:
        execute_in_turn(
            connection, [(_NEW_COMPANY, new_company_params(fresh)), (_NEW_COMPANY, new_company_params(taken))]
        )

    with migrated.db.reading() as reader:
        assert _COMPANY_BY_NAME.execute(reader, {"name": fresh})[1] == []  # the whole transaction was undone


def test_a_unique_violation_in_a_session_is_an_integrity_error_too(session: Session) -> None:
    taken = new_company(session).name

    with pytest.raises(IntegrityError):
        _NEW_COMPANY.execute(session, new_company_params(taken))


def test_numbers_and_times_come_back_as_the_wire_text(session: Session) -> None:
    company_id = new_company(session).id
    client = models.Client(
        company_id=company_id,
        client_name="Acme",
        client_rate=95,
        client_net_terms=30,
        client_created_at=dt.datetime(2026, 11, 22, 8, 33, 32),
    )
    unrated = models.Client(company_id=company_id, client_name="Unrated", client_rate=None)
    session.add_all([client, unrated])
    session.flush()
    asset = models.Asset(company_id=company_id, asset_name="Laptop", asset_purchase_date=dt.date(2026, 2, 3))
    ticket = models.Ticket(company_id=company_id, ticket_number=1, ticket_subject="Slow")
    session.add_all([asset, ticket])
    session.flush()
    reply = models.TicketReply(
        company_id=company_id,
        ticket_reply="Done",
        ticket_reply_type="Internal",
        ticket_reply_time_worked=dt.time(1, 30, 5),
        ticket_reply_ticket_id=ticket.ticket_id,
    )
    session.add(reply)
    session.flush()

    assert _CLIENT.dicts(session, {"client_id": client.client_id}) == [
        {
            "client_id": str(client.client_id),
            "client_rate": "95.00",
            "client_net_terms": "30",
            "client_created_at": "2026-11-22 08:33:32",
            "client_updated_at": None,
        }
    ]
    assert _CLIENT.dicts(session, {"client_id": unrated.client_id})[0]["client_rate"] is None
    assert _ASSET_DATE.execute(session, {"asset_id": asset.asset_id})[1] == [("2026-02-03",)]
    assert _TIME_WORKED.execute(session, {"reply_id": reply.ticket_reply_id})[1] == [("01:30:05",)]


def test_insert_statement_refuses_to_leave_out_a_computed_default() -> None:
    with pytest.raises(ValueError, match="created_at"):
        insert_statement(_COMPANIES, ("name",))  # type: ignore[arg-type]


def test_timestamps_are_bound_as_the_stored_text() -> None:
    assert timestamp_param(dt.datetime(2026, 11, 22, 8, 33, 32, 999)) == "2026-11-22 08:33:32"
    assert len(timestamp_param(utc_now())) == 19


def test_a_read_session_reads(migrated: MigratedDatabase) -> None:
    with migrated.db.transaction(write=True) as session:
        company = new_company(session)

    with migrated.db.read_session() as read_session:
        assert read_session.scalar(select(Company.name).where(Company.id == company.id)) == company.name
        assert read_session.get(Company, company.id) is not None
        assert list(read_session.scalars(select(Company.id).where(Company.id == company.id))) == [company.id]
        assert read_session.execute(select(Company.timezone).where(Company.id == company.id)).one() == (
            "Europe/Bucharest",
        )


@pytest.mark.parametrize(
    "writing_call", ["add", "add_all", "delete", "merge", "flush", "commit", "bulk_save_objects", "connection"]
)
def test_a_read_session_offers_no_call_that_writes(writing_call: str) -> None:
    assert not hasattr(ReadSession, writing_call)
