"""Cflow's tables: workflows and their stages, users with user keys, records and their history.

Every table carries `company_id` (the tenant). A workflow's form and a stage's reviewers and status tags
are small lists read whole, so they are stored as JSON text; a record's values and per-stage reviews too,
because the fields are whatever the company's workflow defines.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from flowsuite.core.db import Base, Timestamp, utc_now


def _company() -> Mapped[int]:
    return mapped_column(ForeignKey("companies.id"))


class CflowCounter(Base):
    """The next `Record_Id` of a company: taken with one atomic UPDATE, so concurrent submits never share one."""

    __tablename__ = "cflow_counters"

    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id"), primary_key=True)
    last_record_number: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))


class CflowWorkflow(Base):
    """A workflow: its fixed `WorkflowName`, display name, form fields and who may start it."""

    __tablename__ = "cflow_workflows"
    __table_args__ = (Index("ux_cflow_workflows_name", "company_id", "name", unique=True),)

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = _company()
    name: Mapped[str] = mapped_column(String(200))
    display_name: Mapped[str] = mapped_column(String(200))
    # JSON list of usernames, "role:NAME" entries, or "anyone".
    initiators: Mapped[str] = mapped_column(Text)
    # JSON list of field definitions, each with every key of the wire's field object.
    fields: Mapped[str] = mapped_column(Text)
    # Bumped by every import, so a cached definition knows when it is stale.
    revision: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[dt.datetime] = mapped_column(Timestamp, default=utc_now)
    updated_at: Mapped[dt.datetime] = mapped_column(Timestamp, default=utc_now, onupdate=utc_now)


class CflowStage(Base):
    """A process stage; its id is the wire's `ProcessID` / `group_id`. Position 0 is the initiator's."""

    __tablename__ = "cflow_stages"
    __table_args__ = (Index("ux_cflow_stages_name", "workflow_id", "name", unique=True),)

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = _company()
    workflow_id: Mapped[int] = mapped_column(ForeignKey("cflow_workflows.id"))
    # "initiator" (the form's own stage), "review", or "end" (where every record arrives).
    kind: Mapped[str] = mapped_column(String(16))
    position: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(200))
    display_name: Mapped[str] = mapped_column(String(200))
    # JSON lists: usernames or "role:NAME" entries; the status tags a reviewer may choose.
    reviewers: Mapped[str] = mapped_column(Text, default="[]")
    statuses: Mapped[str] = mapped_column(Text, default="[]")


class CflowUser(Base):
    """Someone who calls the API: a username (login or email), a role, and the keyed hash of a user key."""

    __tablename__ = "cflow_users"
    __table_args__ = (Index("ux_cflow_users_username", "company_id", "username", unique=True),)

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = _company()
    # Stored lower-cased: logins and emails are compared without regard to case.
    username: Mapped[str] = mapped_column(String(320))
    role: Mapped[str] = mapped_column(String(100), default="")
    user_key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_key_hint: Mapped[str] = mapped_column(String(8))
    created_at: Mapped[dt.datetime] = mapped_column(Timestamp, default=utc_now)


class CflowRecord(Base):
    """One submitted form moving through the stages: values, current stage, each review's outcome."""

    __tablename__ = "cflow_records"
    __table_args__ = (
        Index("ux_cflow_records_number", "company_id", "number", unique=True),
        Index("ix_cflow_records_stage", "stage_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = _company()
    workflow_id: Mapped[int] = mapped_column(ForeignKey("cflow_workflows.id"))
    # The wire's `Record_Id`: numbered per company from 1.
    number: Mapped[int] = mapped_column(Integer)
    stage_id: Mapped[int] = mapped_column(ForeignKey("cflow_stages.id"))
    # "in_progress" while it moves through the reviews; "approved" or "rejected" once at END.
    outcome: Mapped[str] = mapped_column(String(16), default="in_progress")
    # JSON object of the form's values (dates as ISO 8601).
    values: Mapped[str] = mapped_column(Text)
    # JSON object by stage id: {"status", "comments", "approved_by", "approved_at"} of each review.
    reviews: Mapped[str] = mapped_column(Text, default="{}")
    # Bumped by every change; an update only lands on the version it read (compare-and-set).
    version: Mapped[int] = mapped_column(Integer, default=1)
    submitted_by: Mapped[int] = mapped_column(ForeignKey("cflow_users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(Timestamp, default=utc_now)
    updated_at: Mapped[dt.datetime] = mapped_column(Timestamp, default=utc_now)


class CflowRecordHistory(Base):
    """One move or status change of a record: who, when, from which stage to which, with what status."""

    __tablename__ = "cflow_record_history"
    __table_args__ = (Index("ix_cflow_record_history_record", "record_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = _company()
    record_id: Mapped[int] = mapped_column(ForeignKey("cflow_records.id"))
    # None on submit, when the record enters its first review stage.
    from_stage_id: Mapped[int | None] = mapped_column(ForeignKey("cflow_stages.id"))
    to_stage_id: Mapped[int] = mapped_column(ForeignKey("cflow_stages.id"))
    status: Mapped[str] = mapped_column(String(100))
    user_id: Mapped[int] = mapped_column(ForeignKey("cflow_users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(Timestamp, default=utc_now)
