"""The workflow engine: submitting a record, and updating it at its current stage (approve, reject, edit).

Both run inside the request's write transaction as a few prepared statements (on the driver connection of
`Database.writing()` from the router, or an ORM session's transaction from the demo). An update reads its record
with a row lock (PostgreSQL; SQLite's BEGIN IMMEDIATE already serialises writers) and writes it back only
at the version it read, so two concurrent approvals of one stage move the record once.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import orjson
from sqlalchemy import Table, bindparam, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.sql.expression import ClauseElement

from flowsuite.cflow.context import CflowUserContext
from flowsuite.cflow.errors import NotAllowed, Problems, RecordNotFound, StageConflict
from flowsuite.cflow.models import CflowCounter, CflowRecord, CflowRecordHistory
from flowsuite.cflow.services.values import clean_values
from flowsuite.cflow.services.workflows import Stage, Workflow, stage_of, workflow_named
from flowsuite.core.db import utc_now
from flowsuite.core.wiretext import PreparedWrite, Writable, insert_statement, timestamp_param

APPROVED, REJECTED, NEW = "Approved", "Rejected", "New"
_REVIEW_FIELD = re.compile(r"R_(Status|Comments|Approved By|Approved Date)(\d+)")


@dataclass(frozen=True, slots=True)
class RecordResult:
    """The record a request wrote: its per-company number (the wire's Record_Id) and row id."""

    number: int
    record_id: int


def _take_number(dialect: str) -> ClauseElement:
    # An upsert that returns the new number: atomic on both databases, and it makes the counter on first use.
    table: Table = CflowCounter.__table__  # type: ignore[assignment]
    statement = (sqlite.insert if dialect == "sqlite" else postgresql.insert)(table).values(
        company_id=bindparam("company_id"), last_record_number=1
    )
    return statement.on_conflict_do_update(
        index_elements=[table.c.company_id], set_={"last_record_number": table.c.last_record_number + 1}
    ).returning(table.c.last_record_number)


_TAKE_NUMBER = PreparedWrite(_take_number)
_INSERT_RECORD = PreparedWrite(
    lambda _dialect: insert_statement(
        CflowRecord.__table__,  # type: ignore[arg-type]
        (
            "company_id",
            "workflow_id",
            "number",
            "stage_id",
            "values",
            "reviews",
            "submitted_by",
            "created_at",
            "updated_at",
        ),
    ).returning(CflowRecord.id)
)
_INSERT_HISTORY = PreparedWrite(
    lambda _dialect: insert_statement(
        CflowRecordHistory.__table__,  # type: ignore[arg-type]
        ("company_id", "record_id", "from_stage_id", "to_stage_id", "status", "user_id", "created_at"),
    )
)
_RECORD = PreparedWrite(
    lambda _dialect: select(
        CflowRecord.id, CflowRecord.stage_id, CflowRecord.outcome, CflowRecord.values, CflowRecord.reviews,
        CflowRecord.version,
    )
    .where(
        CflowRecord.company_id == bindparam("company_id"),
        CflowRecord.workflow_id == bindparam("workflow_id"),
        CflowRecord.number == bindparam("number"),
    )
    .with_for_update()
)  # fmt: skip
_SAVE_RECORD = PreparedWrite(
    lambda _dialect: (
        update(CflowRecord)
        .where(CflowRecord.id == bindparam("record_id"), CflowRecord.version == bindparam("read_version"))
        .values(
            stage_id=bindparam("new_stage_id"),
            outcome=bindparam("new_outcome"),
            values=bindparam("new_values"),
            reviews=bindparam("new_reviews"),
            version=CflowRecord.version + 1,
            updated_at=bindparam("now"),
        )
        .returning(CflowRecord.id)
    )
)


def _json(value: Any) -> str:
    return orjson.dumps(value).decode()


def _history(
    source: Writable, ctx: CflowUserContext, record_id: int, moved: tuple[int | None, int], status: str
) -> None:
    _INSERT_HISTORY.execute(
        source,
        {
            "company_id": ctx.company_id,
            "record_id": record_id,
            "from_stage_id": moved[0],
            "to_stage_id": moved[1],
            "status": status,
            "user_id": ctx.user_id,
            "created_at": timestamp_param(utc_now()),
        },
    )


def submit_record(
    source: Writable, ctx: CflowUserContext, workflow_name: str, given: Mapping[str, Any]
) -> RecordResult:
    """A new record of the workflow, checked against its fields, at the first review stage with status New."""
    workflow = workflow_named(source, ctx.company_id, workflow_name)
    if not ctx.named_in(workflow.initiators):
        raise NotAllowed(f"{ctx.username} may not start the workflow {workflow.name!r}.")
    problems = Problems()
    values = clean_values(workflow.fields_by_name, given, problems, partial=False)
    problems.raise_if_any()
    _, [(number,)] = _TAKE_NUMBER.execute(source, {"company_id": ctx.company_id})
    stage, now = workflow.first_review, timestamp_param(utc_now())
    _, [(record_id,)] = _INSERT_RECORD.execute(
        source,
        {
            "company_id": ctx.company_id,
            "workflow_id": workflow.id,
            "number": number,
            "stage_id": stage.id,
            "values": _json(values),
            "reviews": _json({str(stage.id): {"status": NEW}}),
            "submitted_by": ctx.user_id,
            "created_at": now,
            "updated_at": now,
        },
    )
    _history(source, ctx, record_id, (None, stage.id), NEW)
    return RecordResult(int(number), int(record_id))


@dataclass
class _Review:
    """What an update asks of the current stage's own fields."""

    status: str | None = None
    comments: str | None = None


def _review_fields(
    workflow: Workflow, stage: Stage, given: Mapping[str, Any], problems: Problems
) -> tuple[_Review, dict[str, Any]]:
    """Splits the update into the current stage's R_ fields and the form's fields, checking the R_ ones."""
    review, form = _Review(), {}
    for name, value in given.items():
        match = _REVIEW_FIELD.fullmatch(name)
        if match is None:
            form[name] = value
            continue
        kind, position = match.group(1), int(match.group(2))
        if position != stage.position:
            owner = workflow.stages[position].display_name if 0 < position < len(workflow.stages) else None
            problems.add(
                name,
                f"{name} belongs to the stage {owner!r}, not the record's current stage {stage.display_name!r}."
                if owner
                else f"{name} is not a field of this workflow.",
            )
        elif kind.startswith("Approved"):
            if value not in (None, ""):
                problems.add(name, f"{name} is filled by the server when the stage is approved or rejected.")
        elif value is not None and not isinstance(value, str):
            problems.add(name, f"{name} must be a string.")
        elif kind == "Comments":
            review.comments = value
        elif value is not None and value not in stage.statuses:
            problems.add(name, f"{name}: {value!r} is not one of its options ({', '.join(stage.statuses)}).")
        else:
            review.status = value
    return review, form


def _load_record(source: Writable, ctx: CflowUserContext, workflow: Workflow, number: int) -> tuple[Any, ...]:
    params = {"company_id": ctx.company_id, "workflow_id": workflow.id, "number": number}
    _, rows = _RECORD.execute(source, params)
    if not rows:
        raise RecordNotFound(f"No record {number} in the workflow {workflow.name!r}.")
    return rows[0]


def _parse_ids(workflow: Workflow, group_id: str, record_id: str) -> tuple[Stage, int]:
    problems = Problems()
    stage = stage_of(workflow, group_id, problems)
    if not record_id.strip().isdigit():
        problems.add("RecordId", f"{record_id!r} is not a record id." if record_id else "RecordId is required.")
    problems.raise_if_any()
    assert stage is not None
    return stage, int(record_id)


def _check_stage(workflow: Workflow, stage: Stage, number: int, current_id: int, outcome: str) -> None:
    if outcome != "in_progress":
        raise StageConflict(f"Record {number} has reached END ({outcome}); it can no longer be updated.")
    if current_id != stage.id:
        current = workflow.stages_by_id.get(current_id)
        where = f"{current.display_name!r} (group_id {current_id})" if current else f"group_id {current_id}"
        raise StageConflict(
            f"Record {number} is at the stage {where}, not {stage.display_name!r} (group_id {stage.id})."
        )


def update_record(
    source: Writable,
    ctx: CflowUserContext,
    workflow_name: str,
    group_id: str,
    record_id: str,
    given: Mapping[str, Any],
) -> RecordResult:
    """Updates a record at its current stage `group_id`: form values, comments, and the stage's status.

    Approved moves the record to the next stage (END after the last review), Rejected ends it at END;
    either fills the stage's Approved By / Approved Date. Only a reviewer of the stage may update it.
    """
    workflow = workflow_named(source, ctx.company_id, workflow_name)
    stage, number = _parse_ids(workflow, group_id, record_id)
    row_id, current_id, outcome, stored_values, stored_reviews, version = _load_record(source, ctx, workflow, number)
    _check_stage(workflow, stage, number, current_id, outcome)
    if not ctx.named_in(stage.reviewers):
        raise NotAllowed(f"{ctx.username} is not a reviewer of the stage {stage.display_name!r}.")
    problems = Problems()
    review, form = _review_fields(workflow, stage, given, problems)
    values = {**orjson.loads(stored_values), **clean_values(workflow.fields_by_name, form, problems, partial=True)}
    problems.raise_if_any()
    reviews: dict[str, dict[str, Any]] = orjson.loads(stored_reviews)
    next_stage, next_outcome = _decide(workflow, stage, review, reviews, ctx.username)
    saved = _SAVE_RECORD.execute(
        source,
        {
            "record_id": row_id,
            "read_version": version,
            "new_stage_id": next_stage.id,
            "new_outcome": next_outcome,
            "new_values": _json(values),
            "new_reviews": _json(reviews),
            "now": timestamp_param(utc_now()),
        },
    )[1]
    if not saved:
        raise StageConflict(f"Record {number} was changed by another request at the same moment; read it again.")
    if review.status is not None:
        _history(source, ctx, row_id, (stage.id, next_stage.id), review.status)
    return RecordResult(number, int(row_id))


def _decide(
    workflow: Workflow, stage: Stage, review: _Review, reviews: dict[str, dict[str, Any]], username: str
) -> tuple[Stage, str]:
    """Applies the review to `reviews` (in place); returns the stage the record goes to and its outcome."""
    entry = reviews.setdefault(str(stage.id), {"status": NEW})
    if review.comments is not None:
        entry["comments"] = review.comments
    if review.status is not None:
        entry["status"] = review.status
    if review.status not in (APPROVED, REJECTED):
        return stage, "in_progress"
    now = utc_now().isoformat()
    entry.update(approved_by=username, approved_at=now)
    target = workflow.after(stage) if review.status == APPROVED else workflow.end
    if target.kind == "end":
        # END's own Approved By / Date: who closed the record, and when.
        reviews[str(target.id)] = {"approved_by": username, "approved_at": now}
        return target, "approved" if review.status == APPROVED else "rejected"
    reviews[str(target.id)] = {"status": NEW}
    return target, "in_progress"
