"""The console's Cflow views: workflows and their import, a board of records by stage, a record's page
with its history, Approve / Reject for the reviewer of its current stage, and the API key and users.

A person in the console acts in Cflow as the Cflow user whose username is their e-mail address: the
engine's own rules (`cflow.services.records`) then decide whether they may review the stage, exactly as
for the same person coming through the API.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import orjson
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from flowsuite.cflow.context import CflowUserContext
from flowsuite.cflow.errors import NotAllowed, RecordNotFound
from flowsuite.cflow.models import CflowRecord, CflowRecordHistory, CflowStage, CflowUser, CflowWorkflow
from flowsuite.cflow.services.records import update_record
from flowsuite.cflow.services.workflows import Stage, Workflow, review_fields, workflow_named

BOARD_LIMIT = 100


@dataclass(frozen=True, slots=True)
class Card:
    number: int
    title: str
    submitted_by: str
    updated_at: dt.datetime
    outcome: str


@dataclass(frozen=True, slots=True)
class Column:
    stage: Stage
    cards: list[Card]
    total: int


def _title(workflow: Workflow, values: dict[str, Any]) -> str:
    """A record's one-line summary: its first two filled form values."""
    shown = [str(values[field["name"]]) for field in workflow.fields if values.get(field["name"]) not in (None, "", [])]
    return " · ".join(shown[:2]) or "(empty)"


def board(session: Session, company_id: int, workflow_name: str) -> tuple[Workflow, list[Column]]:
    """The workflow's records by stage (newest first, BOARD_LIMIT a stage), review stages and END."""
    workflow = workflow_named(session, company_id, workflow_name)
    columns = []
    for stage in workflow.stages[1:]:
        where = (
            CflowRecord.company_id == company_id,
            CflowRecord.workflow_id == workflow.id,
            CflowRecord.stage_id == stage.id,
        )
        total = int(session.scalar(select(func.count()).select_from(CflowRecord).where(*where)) or 0)
        rows = session.execute(
            select(
                CflowRecord.number, CflowRecord.values, CflowUser.username, CflowRecord.updated_at, CflowRecord.outcome
            )
            .join(CflowUser, CflowUser.id == CflowRecord.submitted_by)
            .where(*where)
            .order_by(CflowRecord.number.desc())
            .limit(BOARD_LIMIT)
        )
        cards = [Card(n, _title(workflow, orjson.loads(v)), who, at, outcome) for n, v, who, at, outcome in rows]
        columns.append(Column(stage, cards, total))
    return workflow, columns


@dataclass(frozen=True, slots=True)
class Move:
    at: dt.datetime
    who: str
    from_stage: str
    to_stage: str
    status: str


@dataclass(frozen=True, slots=True)
class RecordPage:
    number: int
    workflow: Workflow
    stage: Stage
    outcome: str
    values: list[tuple[str, Any]]
    reviews: list[tuple[Stage, dict[str, Any]]]
    history: list[Move]
    submitted_by: str
    # The Cflow user the console user acts as (None: there is none of their address).
    acting: CflowUserContext | None
    decisions: tuple[str, ...]


def _located(session: Session, company_id: int, number: int) -> tuple[CflowRecord, Workflow, Stage, str]:
    """The record, its workflow, its current stage and who submitted it; RecordNotFound if none."""
    row = session.execute(
        select(CflowRecord, CflowWorkflow.name, CflowUser.username)
        .join(CflowWorkflow, CflowWorkflow.id == CflowRecord.workflow_id)
        .join(CflowUser, CflowUser.id == CflowRecord.submitted_by)
        .where(CflowRecord.company_id == company_id, CflowRecord.number == number)
    ).first()
    if row is None:
        raise RecordNotFound(f"No record {number} in this company.")
    record, workflow_name, submitted_by = row
    workflow = workflow_named(session, company_id, workflow_name)
    return record, workflow, workflow.stages_by_id[record.stage_id], submitted_by


def record_page(session: Session, company_id: int, number: int, console_email: str) -> RecordPage:
    record, workflow, stage, submitted_by = _located(session, company_id, number)
    stored = orjson.loads(record.values)
    values = [(field.get("label") or field["name"], stored.get(field["name"])) for field in workflow.fields]
    reviews_by_id = orjson.loads(record.reviews)
    reviews = [(s, reviews_by_id[str(s.id)]) for s in workflow.stages[1:] if str(s.id) in reviews_by_id]
    stage_names = {s.id: s.display_name for s in workflow.stages}
    moves = session.execute(
        select(
            CflowRecordHistory.created_at,
            CflowUser.username,
            CflowRecordHistory.from_stage_id,
            CflowRecordHistory.to_stage_id,
            CflowRecordHistory.status,
        )
        .join(CflowUser, CflowUser.id == CflowRecordHistory.user_id)
        .where(CflowRecordHistory.company_id == company_id, CflowRecordHistory.record_id == record.id)
        .order_by(CflowRecordHistory.id)
    )
    history = [
        Move(at, who, stage_names.get(start, "submitted") if start else "submitted", stage_names.get(end, "?"), status)
        for at, who, start, end, status in moves
    ]
    reviewer = acting_user(session, company_id, console_email)
    may_decide = record.outcome == "in_progress" and reviewer is not None and reviewer.named_in(stage.reviewers)
    decisions = tuple(s for s in stage.statuses if s != "New") if may_decide else ()
    return RecordPage(
        number, workflow, stage, record.outcome, values, reviews, history, submitted_by, reviewer, decisions
    )


def acting_user(session: Session, company_id: int, console_email: str) -> CflowUserContext | None:
    """The Cflow user a console user acts as: the one named by their e-mail address, if any."""
    user = session.scalar(
        select(CflowUser).where(CflowUser.company_id == company_id, CflowUser.username == console_email.lower())
    )
    if user is None:
        return None
    return CflowUserContext(company_id, None, user.id, user.username, user.role)


def decide(session: Session, company_id: int, console_email: str, number: int, status: str, comments: str) -> None:
    """Sets the record's current stage's status (Approved moves it on, Rejected ends it) as the console
    user's Cflow user, through the engine's own update."""
    _, workflow, stage, _ = _located(session, company_id, number)
    actor = acting_user(session, company_id, console_email)
    if actor is None:
        raise NotAllowed(f"{console_email} is not a Cflow user of this company, so cannot review records.")
    names = [field["name"] for field in review_fields(stage)]
    given = {names[0]: status, **({names[1]: comments} if comments.strip() else {})}
    update_record(session, actor, workflow.name, str(stage.id), str(number), given)


@dataclass(frozen=True, slots=True)
class WorkflowLine:
    name: str
    display_name: str
    stages: list[str]
    records: int


def workflows(session: Session, company_id: int) -> list[WorkflowLine]:
    rows = session.execute(
        select(CflowWorkflow.id, CflowWorkflow.name, CflowWorkflow.display_name)
        .where(CflowWorkflow.company_id == company_id)
        .order_by(CflowWorkflow.display_name)
    ).all()
    lines = []
    for workflow_id, name, display_name in rows:
        stages = session.scalars(
            select(CflowStage.display_name)
            .where(CflowStage.company_id == company_id, CflowStage.workflow_id == workflow_id, CflowStage.position >= 0)
            .order_by(CflowStage.position)
        ).all()
        count = session.scalar(
            select(func.count())
            .select_from(CflowRecord)
            .where(CflowRecord.company_id == company_id, CflowRecord.workflow_id == workflow_id)
        )
        lines.append(WorkflowLine(name, display_name, list(stages), int(count or 0)))
    return lines
