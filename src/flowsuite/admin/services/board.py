"""Who is at work now: the reception screen's `get_today_status`, grouped for a person to scan."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from flowsuite.iflow.context import IFlowContext
from flowsuite.iflow.services.status import get_today_status

# The groups of the board, in the order a reception desk reads them; "away" is everyone missing for a reason.
GROUPS = ("At work", "Not at work yet", "Away", "Missing", "Left work", "Day off")


@dataclass
class Group:
    name: str
    people: list[dict[str, Any]] = field(default_factory=list)


def _group_of(person: dict[str, Any]) -> str:
    status = str(person["status"])
    if person["at_work"]:
        return "At work"
    if status.startswith("Missing, "):
        return "Away"
    return status if status in GROUPS else "Missing"


def board(session: Session, company_id: int) -> list[Group]:
    """Every enabled employee's status today (live attendance), in GROUPS, each group by name."""
    reply = get_today_status(session, IFlowContext(company_id, None, "token"), {"attendance_type": "live_attendance"})
    groups = {name: Group(name) for name in GROUPS}
    for person in reply.items:
        groups[_group_of(person)].people.append(person)
    return [group for group in groups.values() if group.people]
