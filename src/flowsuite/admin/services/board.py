"""Who is at work now: the reception screen's status of today (live attendance), grouped for a person to scan."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from flowsuite.iflow.context import IFlowContext
from flowsuite.iflow.messages import DEFAULT_LANGUAGE
from flowsuite.iflow.services.status import Asked, Attendance, EmployeeStatus, Presence, StatusQuery, today_status
from flowsuite.iflow.wire.status import clock_text, status_of, status_texts, worked_seconds

# The groups of the board, in the order a reception desk reads them; "Away" is everyone away for an event.
GROUPS = {
    Presence.AT_WORK: "At work",
    Presence.NOT_AT_WORK_YET: "Not at work yet",
    Presence.AWAY: "Away",
    Presence.MISSING: "Missing",
    Presence.LEFT_WORK: "Left work",
    Presence.DAY_OFF: "Day off",
}


@dataclass(frozen=True, slots=True)
class Person:
    user_id: int
    full_name: str
    # The status as the API words it ("Missing, Sick Leave"), shown for the away and the missing.
    status: str
    # Today's intervals as local HH:MM check-in and check-out ("" while open).
    intervals: list[tuple[str, str]]
    # The closed intervals' total as HH:MM ("" without intervals).
    worked: str


@dataclass
class Group:
    name: str
    presence: Presence
    people: list[Person] = field(default_factory=list)

    @property
    def says_why(self) -> bool:
        """Whether the board shows each person's status: for the away and the missing."""
        return self.presence in (Presence.AWAY, Presence.MISSING)


def _person(employee: EmployeeStatus, asked: Asked, texts: dict[Presence, str]) -> Person:
    intervals = [
        (asked.local_hms(w.check_in)[:5], "" if w.check_out is None else asked.local_hms(w.check_out)[:5])
        for w in employee.worked
    ]
    worked = clock_text(sum(worked_seconds(w) for w in employee.worked))[:5] if employee.worked else ""
    status = status_of(employee, DEFAULT_LANGUAGE, texts)
    return Person(employee.employee_id, employee.full_name, status, intervals, worked)


def board(session: Session, company_id: int) -> list[Group]:
    """Every enabled employee's status today (live attendance), in GROUPS' order, each group by name."""
    day = today_status(session, IFlowContext(company_id, None, "console"), StatusQuery(Attendance.LIVE))
    groups = {presence: Group(name, presence) for presence, name in GROUPS.items()}
    texts = status_texts(DEFAULT_LANGUAGE)
    for employee in day.employees:
        groups[employee.presence].people.append(_person(employee, day.asked, texts))
    return [group for group in groups.values() if group.people]
