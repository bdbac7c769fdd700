"""The iFlow adapter's reading of forms into commands and writing of results, without a server."""

from __future__ import annotations

import ast
import datetime as dt
import zoneinfo
from collections import namedtuple
from pathlib import Path

import pytest

from flowsuite.iflow import services
from flowsuite.iflow.errors import FieldError, ValidationFailed
from flowsuite.iflow.services.attendance import Clock, ClockAction
from flowsuite.iflow.services.employees import EmployeeRef
from flowsuite.iflow.services.events import ApproveStatus, SetApproveStatus
from flowsuite.iflow.services.reports import ReportRequest
from flowsuite.iflow.services.rfid import BadgeScan, OfflineScan
from flowsuite.iflow.services.status import EmployeeStatus, Presence, Worked, asked_day
from flowsuite.iflow.services.sync import Identifier
from flowsuite.iflow.wire.clock import read_clock
from flowsuite.iflow.wire.employees import FailedForm
from flowsuite.iflow.wire.events import FailedApproval, read_approval
from flowsuite.iflow.wire.reports import DEFAULT_TOTALS, read_report
from flowsuite.iflow.wire.rfid import MAX_ROWS, read_batch, read_row, read_scan
from flowsuite.iflow.wire.status import live_attendance, status_of
from flowsuite.iflow.wire.sync import read_sync

INVALID_CNP = "1900315123451"
EventType = namedtuple("EventType", "code name")


def _refused(form: dict[str, str], strict_cnp: bool = False) -> list[tuple[str, str]]:
    with pytest.raises(ValidationFailed) as refused:
        read_sync(form, strict_cnp)
    return [(error.field_name, error.check_name) for error in refused.value.errors]


def test_a_sync_form_is_read_into_typed_changes_of_the_fields_present_only() -> None:
    command = read_sync(
        {
            "update_by": "cnp",
            "update_by_value": " 1900315123450 ",
            "birth_date": "1990-03-15",
            "disable_date": "",
            "is_enabled": "0",
            "city": "",
            "job_title": " Nurse ",
            "team_name": "",
        },
        strict_cnp=True,
    )
    assert (command.find_by, command.value, command.team_name) == (Identifier.CNP, "1900315123450", None)
    assert command.changes == {
        "job_title": "Nurse",
        "city": None,
        "disable_date": None,
        "birth_date": dt.date(1990, 3, 15),
        "is_enabled": False,
    }


def test_a_strict_companys_invalid_cnp_is_listed_after_the_fields_failed_checks() -> None:
    form = {"update_by": "cnp", "update_by_value": INVALID_CNP, "birth_date": "1990-13-01"}
    assert _refused(form, strict_cnp=True) == [("birth_date", "valid_date"), ("cnp", "valid_cnp")]
    assert _refused(form) == [("birth_date", "valid_date")]
    # A well-formed form is read; the service refuses or warns about the CNP by the company's policy.
    assert read_sync({**form, "birth_date": "1990-12-01"}, strict_cnp=True).value == INVALID_CNP


def test_the_sync_checks_are_listed_in_the_vendors_order() -> None:
    form = {"update_by": "ssn", "full_name": " ", "birth_date": "x", "is_enabled": "yes"}
    assert _refused(form) == [
        ("update_by", "in_list"),
        ("update_by_value", "required"),
        ("full_name", "not_empty"),
        ("birth_date", "valid_date"),
        ("is_enabled", "valid_flag"),
    ]


def test_a_clock_form_names_its_employee_and_keeps_a_time_without_offset_local() -> None:
    command = read_clock({"rfid_tag": "TAG1", "action": "check_out", "time": "2026-12-07T08:00:00"})
    assert command == Clock(EmployeeRef(rfid_tag="TAG1"), ClockAction.CHECK_OUT, dt.datetime(2026, 12, 7, 8))
    failed = read_clock({"user_id": "7", "action": "dance", "time": "yesterday"})
    assert isinstance(failed, FailedForm)
    assert (failed.who, failed.who_failed) == (EmployeeRef(user_id=7), [])
    assert [error.field_name for error in failed.others_failed] == ["action", "time"]
    failed = read_clock({"rfid_tag": "T" * 65, "action": "check_in"})
    assert isinstance(failed, FailedForm) and failed.who == EmployeeRef(rfid_tag="T" * 65)
    assert [(e.field_name, e.check_name) for e in failed.who_failed] == [("rfid_tag", "max_length")]


def test_an_approval_form_keeps_the_event_id_it_names_when_it_fails() -> None:
    assert read_approval({"event_id": "12", "approve_status": "approved"}) == SetApproveStatus(
        12, ApproveStatus.APPROVED
    )
    allowed = ", ".join(status.value for status in ApproveStatus)
    assert read_approval({"event_id": "424242", "approve_status": "ok"}) == FailedApproval(
        [FieldError("approve_status", "in_list", {"allowed": allowed})], 424242
    )


def _status(presence: Presence, away_for: list[EventType]) -> EmployeeStatus:
    return EmployeeStatus(1, "Ana", None, None, presence, away_for, away_for, [])  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("presence", "away_for", "en_us", "ro_ro"),
    [
        (Presence.AT_WORK, [], "At work", "La muncă"),
        (Presence.MISSING, [], "Missing", "Absent"),
        (
            Presence.AWAY,
            [EventType("other_leave", "x"), EventType("own", "Training"), EventType("other_leave", "x")],
            "Missing, Sick Leave, Training",
            "Absent, Concediu medical, Training",
        ),
    ],
)
def test_the_status_text_names_each_type_keeping_the_employee_away_once(
    presence: Presence, away_for: list[EventType], en_us: str, ro_ro: str
) -> None:
    assert status_of(_status(presence, away_for), "en_US") == en_us
    assert status_of(_status(presence, away_for), "ro_RO") == ro_ro


def test_live_attendance_counts_closed_intervals_and_shows_local_times() -> None:
    now = dt.datetime(2026, 12, 7, 12, 0, 0)
    asked = asked_day(dt.date(2026, 12, 7), zoneinfo.ZoneInfo("Europe/Bucharest"), now)
    worked = [Worked(dt.datetime(2026, 12, 7, 6), dt.datetime(2026, 12, 7, 8, 30)), Worked(now, None)]
    assert live_attendance(worked, asked) == [
        {"check_in": "08:00:00", "check_out": "10:30:00", "worked": "02:30:00"},
        {"check_in": "14:00:00", "check_out": "", "worked": "00:00:00"},
        {"current_time": "14:00:00", "total_worked": "02:30:00"},
    ]


def _checks(refused: pytest.ExceptionInfo[ValidationFailed]) -> list[tuple[str, str]]:
    return [(error.field_name, error.check_name) for error in refused.value.errors]


def test_a_report_form_is_read_into_the_month_and_the_checked_totals() -> None:
    form = {"year": "2019", "month": "2", "totals": " total, overtime,total, "}
    assert read_report(form, defaulted=False) == ReportRequest(2019, 2, ("total", "overtime"))


def test_the_bearer_report_leaves_the_month_to_the_service_and_defaults_the_totals() -> None:
    assert read_report({}, defaulted=True) == ReportRequest(None, None, DEFAULT_TOTALS)
    assert read_report({"month": "12"}, defaulted=True) == ReportRequest(None, 12, DEFAULT_TOTALS)


def test_a_report_form_lists_every_failed_check() -> None:
    with pytest.raises(ValidationFailed) as refused:
        read_report({"year": "19", "totals": "total,sometimes"}, defaulted=False)
    assert _checks(refused) == [("year", "valid_year"), ("month", "required"), ("totals", "valid_totals")]
    assert refused.value.errors[-1].values == {"names": "sometimes"}


def test_a_scan_form_needs_its_tag() -> None:
    assert read_scan({"rfid_tag": " 0004471234 "}) == BadgeScan("0004471234")
    with pytest.raises(ValidationFailed) as refused:
        read_scan({"rfid_tag": " "})
    assert _checks(refused) == [("rfid_tag", "required")]


def test_an_offline_row_is_a_wall_clock_scan_or_its_first_failed_check() -> None:
    row = read_row({"date": "2026-12-07", "time": "08:00", "rfidTag": " 77 ", "errorMsg": "x"})
    assert (row.date, row.time, row.tag) == ("2026-12-07", "08:00", "77")
    assert row.scan == OfflineScan("77", dt.datetime(2026, 12, 7, 8, 0))
    assert read_row({"date": "2026-12-07", "time": "08:00:30", "rfidTag": "77"}).scan == OfflineScan(
        "77", dt.datetime(2026, 12, 7, 8, 0, 30)
    )
    assert read_row({"date": "07/12/2026", "time": "8", "rfidTag": ""}).scan == FieldError("rfidTag", "required")
    assert read_row({"date": "07/12/2026", "time": "8", "rfidTag": "77"}).scan == FieldError("date", "valid_date")
    assert read_row({"date": "2026-12-07", "time": "24:00", "rfidTag": "77"}).scan == FieldError(
        "time", "valid_scan_time"
    )
    assert read_row(["not", "a", "row"]).scan == FieldError("rfidTag", "required")


def test_an_offline_batch_is_refused_whole_when_it_is_not_a_bounded_list() -> None:
    for csv_data, check in (("", "required"), ("{}", "valid_scan_list"), ("[", "valid_scan_list")):
        with pytest.raises(ValidationFailed) as refused:
            read_batch({"csv_data": csv_data})
        assert _checks(refused) == [("csv_data", check)]
    with pytest.raises(ValidationFailed) as refused:
        read_batch({"csv_data": "[" + ",".join(["{}"] * (MAX_ROWS + 1)) + "]"})
    assert _checks(refused) == [("csv_data", "max_items")]


def test_no_iflow_service_reads_the_wire() -> None:
    """Services take typed commands: none imports the form type, the wire modules, the router or the import."""
    wire = ("flowsuite.iflow.wire", "flowsuite.iflow.router", "flowsuite.iflow.importing")
    found = []
    for path in sorted(Path(services.__file__).parent.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            if isinstance(node, ast.ImportFrom) and node.module:
                names = {alias.name for alias in node.names}
                if node.module.startswith(wire) or (node.module == "flowsuite.iflow.fields" and "Form" in names):
                    found.append(f"{path.name}:{node.lineno} {node.module} {sorted(names)}")
            elif isinstance(node, ast.Import):
                found += [f"{path.name}:{node.lineno} {a.name}" for a in node.names if a.name.startswith(wire)]
    assert found == []
