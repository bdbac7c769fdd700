"""The replies of the iFlow API V2, as typed dictionaries.

iFlow's replies are JSON with the vendor's own types (ids as strings, hours as numbers), so they are
returned as sent; these declarations only name their keys and types.
"""

# No `from __future__ import annotations` here: TypedDict must see NotRequired[...] to tell optional keys.
from datetime import date
from typing import NotRequired, TypedDict


class ReportDay(TypedDict):
    """One day of one employee in the monthly report."""

    regular: float
    overtime: float
    events: list[str]


class ReportUser(TypedDict):
    """One employee of the monthly report: the asked totals and every day of the month."""

    user_id: str
    full_name: str
    cnp: str | None
    mark_number: str | None
    team_name: str
    totals: dict[str, float]
    days: dict[str, ReportDay]


class WorkScheduleReport(TypedDict):
    """user/get_work_schedule and users/get_work_schedule."""

    year: str
    month: str
    free_days: list[str]
    users: list[ReportUser]


class User(TypedDict):
    """The employee object of user/sync: every sync field as a string or None, dates `YYYY-MM-DD`."""

    team_id: str | None
    full_name: str | None
    is_enabled: str | None
    disable_date: str | None
    rfid_tag: str | None
    cnp: str | None
    id_card: str | None
    id_card_issued_by: str | None
    id_card_issue_date: str | None
    bank_account: str | None
    birth_date: str | None
    employment_date: str | None
    job_title: str | None
    mark_number: str | None
    contract_number: str | None
    section: str | None
    address: str | None
    city: str | None
    county: str | None
    phone_one: str | None
    phone_two: str | None
    user_id: str
    team_name: str


class SyncFields(TypedDict, total=False):
    """The fields user/sync may set (dates as `date` or `YYYY-MM-DD`; `is_enabled` as a bool or "1"/"0")."""

    full_name: str
    team_name: str
    cnp: str
    id_card: str
    is_enabled: bool | str
    disable_date: date | str
    rfid_tag: str
    id_card_issued_by: str
    id_card_issue_date: date | str
    bank_account: str
    birth_date: date | str
    employment_date: date | str
    job_title: str
    mark_number: str
    contract_number: str
    section: str
    address: str
    city: str
    county: str
    phone_one: str
    phone_two: str


class ReplyWarning(TypedDict):
    """A check that failed without refusing the request (a CNP with a wrong check digit)."""

    field_name: str
    check_name: str
    message: str


class SyncReply(TypedDict):
    """user/sync: `new_user` when the employee was created, `updated_user` when found and updated."""

    update_by: str
    update_by_value: str
    new_user: NotRequired[User]
    updated_user: NotRequired[User]
    warning: NotRequired[list[ReplyWarning]]


class EventMeta(TypedDict):
    user_id: str
    days: int
    start_date: str
    end_date: str
    reason_message: str


class StatusEvent(TypedDict):
    """An event of an employee on the asked day (the status endpoints)."""

    event_id: str
    user_id: str
    event_type: str
    event_type_name: str
    position: int
    consecutive_days_position: str
    event_type_color: str
    approve_status: str
    partial_approved_by_user_id: str | None
    other_leave_type_name: str | None
    event_meta: EventMeta


class LiveInterval(TypedDict, total=False):
    """An element of `live_attendance`: an interval (`check_in`, `check_out`, `worked`), or, last, the
    running totals (`current_time`, `total_worked`)."""

    check_in: str
    check_out: str
    worked: str
    current_time: str
    total_worked: str


class EmployeeStatus(TypedDict):
    """users/get_today_status, get_tomorrow_status, get_next_work_day_status: one enabled employee."""

    status: str
    at_work: bool
    full_name: str
    cnp: str | None
    user_id: str
    mark_number: str | None
    events: NotRequired[list[StatusEvent]]
    live_attendance: NotRequired[list[LiveInterval]]


class ActivityEvent(TypedDict):
    """events/get_activity_events: an event with who it is for and, for a part-day event, its times."""

    event_id: str
    user_id: str
    event_type: str
    event_type_name: str
    event_type_color: str
    approve_status: str
    partial_approved_by_user_id: str | None
    other_leave_type_name: str | None
    event_type_id: str
    full_name: str
    team_name: str
    start_time: str | None
    end_time: str | None
    event_meta: EventMeta


class PlannedDay(TypedDict):
    """user/set_work_schedule: the day as stored and its planned hours."""

    user_id: str
    date: str
    intervals: str
    planned: float


class ApproveStatusReply(TypedDict):
    event_id: str
    approve_status: str


class ClockReply(TypedDict):
    """user/clock: the interval after the check-in or check-out (`check_out` "" while open)."""

    user_id: str
    action: str
    check_in: str
    check_out: str


class ScanReply(ClockReply):
    """rfid_devices/auto_attendance: what the badge scan did."""

    full_name: str
    rfid_tag: str


class OfflineScan(TypedDict):
    """One buffered scan of an RFID terminal (`date` YYYY-MM-DD, `time` HH:MM[:SS], company local time)."""

    date: str
    time: str
    rfidTag: str
    errorMsg: NotRequired[str]


class ScanResult(TypedDict):
    """The outcome of one offline scan; an `error_*` is "" when its check passed."""

    date: str
    time: str
    rfidTag: str
    error_authenticate: str
    error_check_in_out: str
    error_csv: str


class StoredAttendances(TypedDict):
    """rfid_v2/offline_attendance/store_attendances."""

    stored: int
    refused: int
    attendances: list[ScanResult]
