"""The Cflow engine's decision without HTTP: approve, reject, who may review, and which stage is current.

Cflow's endpoints write on a bare driver connection, so the engine runs here in `Database.writing()`, on a
company of the test's own (each block commits). Committed workflows also keep the per-process cache of loaded
workflows (workflows.find_workflow, keyed by id and revision) true: SQLite hands a rolled-back workflow's id to
the next one, which the cache would then mistake for the first. Depends on: cflow.services.records (submit_record,
update_record), cflow.services.workflows.import_workflow, cflow.definitions.parse_definition and
cflow.keys.create_user; the two engine calls are made in `submit` and `review` below.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import orjson
import pytest
from sqlalchemy import select

from flowsuite.cflow.context import CflowUserContext
from flowsuite.cflow.definitions import parse_definition
from flowsuite.cflow.errors import InvalidFields, NotAllowed, StageConflict
from flowsuite.cflow.keys import create_user
from flowsuite.cflow.models import CflowRecord, CflowRecordHistory
from flowsuite.cflow.services.records import submit_record, update_record
from flowsuite.cflow.services.workflows import import_workflow
from tests.services import MigratedDatabase, new_company

WORKFLOW = "PurchaseRequest"
REQUESTER, MANAGER, FINANCE, OUTSIDER = "ana@example.com", "manager@example.com", "fin@example.com", "ion@example.com"
DEFINITION: dict[str, Any] = {
    "name": WORKFLOW,
    "initiators": [REQUESTER, "role:finance"],
    "fields": [{"name": "Item", "type": "text", "required": True}, {"name": "Amount", "type": "number"}],
    "stages": [
        {"name": "Manager Review", "reviewers": [MANAGER]},
        {
            "name": "Finance Review",
            "reviewers": ["role:finance"],
            "statuses": ["New", "Approved", "Rejected", "On Hold"],
        },
    ],
}


@dataclass
class Company:
    """A company with the workflow imported and four users: requester, manager, finance, and an outsider."""

    migrated: MigratedDatabase
    id: int
    users: dict[str, CflowUserContext]
    # ProcessIDs: the initiator's stage, Manager Review, Finance Review, END.
    stages: list[int]

    def submit(self, values: dict[str, Any] | None = None, username: str = REQUESTER) -> int:
        with self.migrated.db.writing() as connection:
            submitted = submit_record(connection, self.users[username], WORKFLOW, values or {"Item": "Laptop"})
        return submitted.number

    def review(self, username: str, stage: int, number: int, **given: Any) -> None:
        with self.migrated.db.writing() as connection:
            update_record(connection, self.users[username], WORKFLOW, str(self.stages[stage]), str(number), given)

    def record(self, number: int) -> tuple[int, str, dict[str, Any], int]:
        """Stage id, outcome, reviews and version of the record as stored."""
        with self.migrated.db.transaction() as session:
            row = session.execute(
                select(CflowRecord.stage_id, CflowRecord.outcome, CflowRecord.reviews, CflowRecord.version).where(
                    CflowRecord.company_id == self.id, CflowRecord.number == number
                )
            ).one()
        return int(row[0]), row[1], orjson.loads(row[2]), int(row[3])

    def history(self, number: int) -> list[tuple[int | None, int, str]]:
        with self.migrated.db.transaction() as session:
            rows = session.execute(
                select(CflowRecordHistory.from_stage_id, CflowRecordHistory.to_stage_id, CflowRecordHistory.status)
                .join(CflowRecord, CflowRecord.id == CflowRecordHistory.record_id)
                .where(CflowRecord.company_id == self.id, CflowRecord.number == number)
                .order_by(CflowRecordHistory.id)
            ).all()
        return [(row[0], row[1], row[2]) for row in rows]


@pytest.fixture
def company(migrated: MigratedDatabase) -> Company:
    roles = {REQUESTER: "", MANAGER: "", FINANCE: "finance", OUTSIDER: ""}
    with migrated.db.transaction(write=True) as session:
        company_id = new_company(session).id
        users = {
            name: CflowUserContext(
                company_id,
                None,
                create_user(session, migrated.secret, company_id=company_id, username=name).id,
                name,
                role,
            )
            for name, role in roles.items()
        }
        outcome = import_workflow(session, company_id, parse_definition(DEFINITION))
    return Company(migrated, company_id, users, [stage_id for stage_id, _ in outcome.stages])


def test_a_submitted_record_waits_at_the_first_review_as_new(company: Company) -> None:
    number = company.submit()

    stage_id, outcome, reviews, _ = company.record(number)
    assert (stage_id, outcome) == (company.stages[1], "in_progress")
    assert reviews == {str(company.stages[1]): {"status": "New"}}
    assert company.history(number) == [(None, company.stages[1], "New")]


def test_records_are_numbered_per_company_in_turn(company: Company) -> None:
    first = company.submit()

    assert company.submit({"Item": "Desk"}, username=FINANCE) == first + 1  # an initiator by role


def test_only_an_initiator_may_submit(company: Company) -> None:
    with pytest.raises(NotAllowed):
        company.submit(username=MANAGER)


def test_a_submit_names_every_field_it_refuses_and_writes_nothing(company: Company) -> None:
    with pytest.raises(InvalidFields) as refused:
        company.submit({"Amount": "a lot", "Colour": "red"})

    assert sorted(problem.field for problem in refused.value.problems) == ["Amount", "Colour", "Item"]
    assert company.submit() == 1  # the refused submit took no number


def test_approving_moves_the_record_to_the_next_stage(company: Company) -> None:
    number = company.submit()

    company.review(MANAGER, 1, number, R_Status1="Approved", R_Comments1="Fine by me")

    stage_id, outcome, reviews, _ = company.record(number)
    assert (stage_id, outcome) == (company.stages[2], "in_progress")
    manager_review = reviews[str(company.stages[1])]
    assert (manager_review["status"], manager_review["approved_by"]) == ("Approved", MANAGER)
    assert manager_review["comments"] == "Fine by me"
    assert reviews[str(company.stages[2])] == {"status": "New"}
    assert company.history(number)[-1] == (company.stages[1], company.stages[2], "Approved")


def test_approving_the_last_review_ends_the_record_approved(company: Company) -> None:
    number = company.submit()
    company.review(MANAGER, 1, number, R_Status1="Approved")

    company.review(FINANCE, 2, number, R_Status2="Approved")

    stage_id, outcome, reviews, _ = company.record(number)
    assert (stage_id, outcome) == (company.stages[3], "approved")
    assert reviews[str(company.stages[3])]["approved_by"] == FINANCE


def test_rejecting_ends_the_record_at_end_from_any_stage(company: Company) -> None:
    number = company.submit()

    company.review(MANAGER, 1, number, R_Status1="Rejected")

    stage_id, outcome, reviews, _ = company.record(number)
    assert (stage_id, outcome) == (company.stages[3], "rejected")
    assert reviews[str(company.stages[1])]["status"] == "Rejected"
    assert str(company.stages[2]) not in reviews
    assert company.history(number)[-1] == (company.stages[1], company.stages[3], "Rejected")


def test_a_status_that_decides_nothing_keeps_the_record_at_its_stage(company: Company) -> None:
    number = company.submit()
    company.review(MANAGER, 1, number, R_Status1="Approved")

    company.review(FINANCE, 2, number, R_Status2="On Hold")

    stage_id, outcome, reviews, _ = company.record(number)
    assert (stage_id, outcome) == (company.stages[2], "in_progress")
    assert reviews[str(company.stages[2])] == {"status": "On Hold"}


@pytest.mark.parametrize("who", [OUTSIDER, REQUESTER, FINANCE])
def test_someone_who_does_not_review_the_stage_is_refused_and_nothing_changes(company: Company, who: str) -> None:
    number = company.submit()
    before = company.record(number)

    with pytest.raises(NotAllowed):
        company.review(who, 1, number, R_Status1="Approved")

    assert company.record(number) == before


def test_a_stage_that_is_not_the_records_current_one_is_refused(company: Company) -> None:
    number = company.submit()
    before = company.record(number)

    with pytest.raises(StageConflict, match="Manager Review"):
        company.review(FINANCE, 2, number, R_Status2="Approved")

    assert company.record(number) == before


def test_a_record_at_end_can_no_longer_be_updated(company: Company) -> None:
    number = company.submit()
    company.review(MANAGER, 1, number, R_Status1="Rejected")
    before = company.record(number)

    for stage, field in ((1, "R_Status1"), (2, "R_Status2")):
        with pytest.raises(StageConflict, match="reached END"):
            company.review(MANAGER if stage == 1 else FINANCE, stage, number, **{field: "Approved"})

    assert company.record(number) == before


def test_a_review_field_of_another_stage_is_refused(company: Company) -> None:
    number = company.submit()

    with pytest.raises(InvalidFields) as refused:
        company.review(MANAGER, 1, number, R_Status2="Approved")

    assert [problem.field for problem in refused.value.problems] == ["R_Status2"]
    assert company.record(number)[0] == company.stages[1]
