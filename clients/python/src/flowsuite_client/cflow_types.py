"""The replies of Cflow's integration API, as typed dictionaries with the vendor's own key names."""

# No `from __future__ import annotations` here, so that the TypedDicts stay introspectable at runtime.
from typing import Any, TypedDict


class Connection(TypedDict, total=False):
    """connection/GetConnection: who is connected (flowsuite's reply; Cflow documents only the status)."""

    Status: str
    UserName: str
    CompanyName: str


class Workflow(TypedDict):
    """A workflow the user may start."""

    WorkflowDisplayName: str
    WorkflowName: str


class ProcessStage(TypedDict):
    """A stage of a workflow: the initiator's, the reviews, END last. `ProcessID` is the records' group_id."""

    ProcessStage: str
    ProcessStageDisplayName: str
    ProcessID: str


class StageStatus(TypedDict):
    """A status tag of a review stage (`New`, `Approved`, `Rejected`, ...)."""

    Group_ID: str
    Field_Status: str


class FieldOption(TypedDict):
    label: str
    value: str


# Functional syntax: the vendor spells one key "default:", with its colon.
FieldDefinition = TypedDict(
    "FieldDefinition",
    {
        "name": str,
        "type": str,
        "label": str,
        "options": list[FieldOption] | None,
        "spec": Any,
        "help": str | None,
        "default:": Any,
        "required": bool,
        "multiple": bool,
        "multiline": bool,
    },
)
FieldDefinition.__doc__ = "A field of a workflow's form or of a stage (R_Status1, R_Comments1, ...), for mapping."
