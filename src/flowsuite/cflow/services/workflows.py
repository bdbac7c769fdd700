"""Workflows: importing a definition, listing them, and the loaded form every request works with."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import orjson
from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session

from flowsuite.cflow.context import CflowUserContext
from flowsuite.cflow.definitions import END, WorkflowDefinition
from flowsuite.cflow.errors import FieldProblem, InvalidFields, Problems
from flowsuite.cflow.models import CflowRecord, CflowStage, CflowWorkflow
from flowsuite.core.errors import Conflict
from flowsuite.core.wiretext import PreparedQuery, Readable

RECORD_ID_FIELD: dict[str, Any] = {
    "name": "RecordId",
    "type": "text",
    "label": "Record ID",
    "options": None,
    "spec": None,
    "help": "Record ID",
    "default:": None,
    "required": True,
    "multiple": False,
    "multiline": False,
}


@dataclass(frozen=True, slots=True)
class Stage:
    id: int
    kind: str
    position: int
    name: str
    display_name: str
    reviewers: frozenset[str]
    statuses: tuple[str, ...]


def _wire_field(name: str, kind: str, label: str, **overrides: Any) -> dict[str, Any]:
    return {
        "name": name,
        "type": kind,
        "label": label,
        "options": None,
        "spec": None,
        "help": "",
        "default:": None,
        "required": False,
        "multiple": False,
        "multiline": False,
        **overrides,
    }


def review_fields(stage: Stage) -> list[dict[str, Any]]:
    """A stage's R_ fields, numbered by its position; END has only who closed the record and when."""
    n, label = stage.position, stage.display_name
    fields = []
    if stage.kind == "review":
        options = [{"label": status, "value": status} for status in stage.statuses]
        fields += [
            _wire_field(f"R_Status{n}", "select", f"{label} Status", options=options),
            _wire_field(f"R_Comments{n}", "text", f"{label} Comments", **{"default:": ""}),
        ]
    fields += [
        _wire_field(f"R_Approved By{n}", "text", f"{label} Approved By"),
        _wire_field(f"R_Approved Date{n}", "date", f"{label} Approved Date"),
    ]
    return fields


@dataclass(frozen=True)
class Workflow:
    """One revision of a workflow as the engine and the wire use it: fields by name, stages in order."""

    id: int
    revision: int
    name: str
    display_name: str
    initiators: tuple[str, ...]
    fields: tuple[dict[str, Any], ...]
    # Initiator's first, then the reviews, END last.
    stages: tuple[Stage, ...]

    @functools.cached_property
    def fields_by_name(self) -> dict[str, dict[str, Any]]:
        return {field["name"]: field for field in self.fields}

    @functools.cached_property
    def stages_by_id(self) -> dict[int, Stage]:
        return {stage.id: stage for stage in self.stages}

    @property
    def first_review(self) -> Stage:
        return self.stages[1]

    @property
    def end(self) -> Stage:
        return self.stages[-1]

    def after(self, stage: Stage) -> Stage:
        return self.stages[stage.position + 1]

    @functools.cached_property
    def process_fields(self) -> list[dict[str, Any]]:
        """The fields an update maps: the form's, then every later stage's R_ fields."""
        return [*self.fields, *(f for stage in self.stages[1:] for f in review_fields(stage))]

    @functools.cached_property
    def fieldsets_json(self) -> bytes:
        return orjson.dumps(list(self.fields))

    @functools.cached_property
    def process_fieldsets_json(self) -> bytes:
        return orjson.dumps(self.process_fields)

    @functools.cached_property
    def process_fields_for_map_json(self) -> bytes:
        return orjson.dumps([*self.process_fields, RECORD_ID_FIELD])

    @functools.cached_property
    def process_json(self) -> bytes:
        return orjson.dumps(
            [
                {"ProcessStage": s.name, "ProcessStageDisplayName": s.display_name, "ProcessID": str(s.id)}
                for s in self.stages
            ]
        )


# The workflow's id and revision: one indexed read per request, then the loaded form comes from the cache.
_REVISION = PreparedQuery(
    lambda _dialect: select(CflowWorkflow.id, CflowWorkflow.revision).where(
        CflowWorkflow.company_id == bindparam("company_id"), CflowWorkflow.name == bindparam("name")
    )
)
_WORKFLOW = PreparedQuery(
    lambda _dialect: select(
        CflowWorkflow.name, CflowWorkflow.display_name, CflowWorkflow.initiators, CflowWorkflow.fields
    ).where(CflowWorkflow.id == bindparam("workflow_id"))
)
_STAGES = PreparedQuery(
    lambda _dialect: (
        select(
            CflowStage.id,
            CflowStage.kind,
            CflowStage.position,
            CflowStage.name,
            CflowStage.display_name,
            CflowStage.reviewers,
            CflowStage.statuses,
        )
        .where(CflowStage.workflow_id == bindparam("workflow_id"), CflowStage.position >= 0)
        .order_by(CflowStage.position)
    )
)
_LOADED: dict[tuple[int, int], Workflow] = {}
_CACHE_SIZE = 512


def _load(source: Readable, workflow_id: int, revision: int) -> Workflow:
    _, [(name, display_name, initiators, fields)] = _WORKFLOW.execute(source, {"workflow_id": workflow_id})
    _, rows = _STAGES.execute(source, {"workflow_id": workflow_id})
    stages = tuple(
        Stage(int(i), kind, int(pos), sname, sdisplay, frozenset(orjson.loads(reviewers)), tuple(orjson.loads(st)))
        for i, kind, pos, sname, sdisplay, reviewers, st in rows
    )
    return Workflow(
        workflow_id, revision, name, display_name, tuple(orjson.loads(initiators)), tuple(orjson.loads(fields)), stages
    )


def find_workflow(source: Readable, company_id: int, name: str) -> Workflow | None:
    """The company's workflow called `name` as of now, or None. Loaded forms are cached per process by
    (id, revision), and the revision is read every time, so an import is seen by the next request."""
    _, rows = _REVISION.execute(source, {"company_id": company_id, "name": name})
    if not rows:
        return None
    key = (int(rows[0][0]), int(rows[0][1]))
    workflow = _LOADED.get(key)
    if workflow is None:
        if len(_LOADED) >= _CACHE_SIZE:
            _LOADED.clear()
        workflow = _LOADED[key] = _load(source, *key)
    return workflow


def workflow_named(source: Readable, company_id: int, name: str) -> Workflow:
    """The company's workflow `name`; InvalidFields naming WorkflowName when there is none."""
    workflow = find_workflow(source, company_id, name) if name else None
    if workflow is None:
        message = f"No workflow named {name!r}." if name else "WorkflowName is required."
        raise InvalidFields([FieldProblem("WorkflowName", message)])
    return workflow


def stage_of(workflow: Workflow, group_id: str, problems: Problems) -> Stage | None:
    """The stage whose ProcessID is `group_id`; a problem naming group_id when it is not one of the workflow's."""
    stage = workflow.stages_by_id.get(int(group_id)) if group_id.strip().isdigit() else None
    if stage is None:
        what = f"{group_id!r} is not" if group_id else "group_id is required: the ProcessID of"
        problems.add("group_id", f"{what} a stage of the workflow {workflow.name!r}.")
    return stage


def stage_statuses(workflow: Workflow, group_id: str) -> tuple[Stage, tuple[str, ...]]:
    """The stage `group_id` and the status tags a reviewer may give it (none at the first stage and END)."""
    problems = Problems()
    stage = stage_of(workflow, group_id, problems)
    problems.raise_if_any()
    assert stage is not None
    return stage, stage.statuses


def startable_workflows(source: Readable, ctx: CflowUserContext) -> list[tuple[str, str]]:
    """(display name, name) of the workflows the user may start, in the order they were imported."""
    return [
        (display, name)
        for display, name, initiators in workflows_of(source, ctx.company_id)
        if ctx.named_in(initiators)
    ]


_STARTABLE = PreparedQuery(
    lambda _dialect: (
        select(CflowWorkflow.display_name, CflowWorkflow.name, CflowWorkflow.initiators)
        .where(CflowWorkflow.company_id == bindparam("company_id"))
        .order_by(CflowWorkflow.id)
    )
)


def workflows_of(source: Readable, company_id: int) -> list[tuple[str, str, tuple[str, ...]]]:
    """(display name, name, initiators) of every workflow of the company, in the order they were imported."""
    _, rows = _STARTABLE.execute(source, {"company_id": company_id})
    return [(display, name, tuple(orjson.loads(initiators))) for display, name, initiators in rows]


# ---- import (the CLI) ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ImportOutcome:
    workflow_id: int
    created: bool
    revision: int
    stages: list[tuple[int, str]]


def _json(value: Any) -> str:
    return orjson.dumps(value).decode()


def _records_at(session: Session, stage_ids: Sequence[int]) -> dict[int, int]:
    rows = session.execute(
        select(CflowRecord.stage_id, func.count())
        .where(CflowRecord.stage_id.in_(stage_ids), CflowRecord.outcome == "in_progress")
        .group_by(CflowRecord.stage_id)
    )
    return {int(stage_id): int(count) for stage_id, count in rows}


def _place_stages(session: Session, workflow: CflowWorkflow, definition: WorkflowDefinition) -> None:
    """Creates or updates the stages by name, in the definition's order, with END last.

    Records in flight keep their stage: a stage that still holds some cannot be dropped.
    """
    existing = {
        stage.name: stage
        for stage in session.scalars(select(CflowStage).where(CflowStage.workflow_id == workflow.id)).all()
    }
    wanted = [
        ("initiator", workflow.name, workflow.display_name, (), ()),
        *(("review", s.name, s.display_name, s.reviewers, s.statuses) for s in definition.stages),
        ("end", END, END, (), ()),
    ]
    dropped = [stage for name, stage in existing.items() if name not in {w[1] for w in wanted}]
    busy = _records_at(session, [stage.id for stage in dropped]) if dropped else {}
    if busy:
        names = ", ".join(f"{s.name!r} ({busy[s.id]} records)" for s in dropped if s.id in busy)
        raise Conflict(f"Stages still holding records in flight cannot be removed: {names}.")
    for stage in dropped:
        # Past records' history still names it, so it is kept, out of the process (position -1).
        stage.position = -1
    for position, (kind, name, display_name, reviewers, statuses) in enumerate(wanted):
        stage = existing.get(name) or CflowStage(company_id=workflow.company_id, workflow_id=workflow.id, name=name)
        session.add(stage)
        stage.kind, stage.position, stage.display_name = kind, position, display_name
        stage.reviewers, stage.statuses = _json(list(reviewers)), _json(list(statuses))


def import_workflow(session: Session, company_id: int, definition: WorkflowDefinition) -> ImportOutcome:
    """Creates the workflow, or updates the one of the same name (records in flight keep values and stage)."""
    workflow = session.scalar(
        select(CflowWorkflow).where(CflowWorkflow.company_id == company_id, CflowWorkflow.name == definition.name)
    )
    created = workflow is None
    if workflow is None:
        workflow = CflowWorkflow(company_id=company_id, name=definition.name, revision=0)
        session.add(workflow)
    workflow.display_name = definition.display_name
    workflow.initiators = _json(list(definition.initiators))
    workflow.fields = _json(list(definition.fields))
    workflow.revision += 1
    session.flush()
    _place_stages(session, workflow, definition)
    session.flush()
    stages = session.execute(
        select(CflowStage.id, CflowStage.name)
        .where(CflowStage.workflow_id == workflow.id, CflowStage.position >= 0)
        .order_by(CflowStage.position)
    ).all()
    return ImportOutcome(workflow.id, created, workflow.revision, [(int(i), n) for i, n in stages])


@dataclass(frozen=True)
class WorkflowSummary:
    name: str
    display_name: str
    initiators: list[str]
    stages: list[str]
    records: int


def list_workflows(session: Session, company_id: int) -> list[WorkflowSummary]:
    workflows = session.scalars(
        select(CflowWorkflow).where(CflowWorkflow.company_id == company_id).order_by(CflowWorkflow.id)
    ).all()
    summaries = []
    for workflow in workflows:
        stages = session.scalars(
            select(CflowStage.name)
            .where(CflowStage.workflow_id == workflow.id, CflowStage.position >= 0)
            .order_by(CflowStage.position)
        ).all()
        records = session.scalar(select(func.count()).where(CflowRecord.workflow_id == workflow.id)) or 0
        summaries.append(
            WorkflowSummary(
                workflow.name, workflow.display_name, orjson.loads(workflow.initiators), list(stages), int(records)
            )
        )
    return summaries
