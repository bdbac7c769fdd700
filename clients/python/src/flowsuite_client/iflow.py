"""iFlow API V2 (`/api/api_v2/...`) and its RFID terminal endpoints, sync and async.

    with IFlowClient("https://app.iflow.ro", api_key=KEY, language="ro_RO") as iflow:
        report = iflow.get_work_schedule(2019, 12, ["total", "overtime"])

Requests are form-encoded, as the vendor's curl sample sends them, with `api_language` on each. The
`user/...` endpoints take the `api_key`, the `users/...` and `events/get_activity_events` endpoints a
Bearer `token`; the extensions take either (the api_key when the client has one). A validator failure
raises IFlowValidationError listing every failed check; a bad token raises AuthenticationFailed.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Literal, Unpack

import httpx

from flowsuite_client._core import (
    DEFAULT_TIMEOUT,
    AsyncClient,
    Call,
    Request,
    RetryPolicy,
    SyncClient,
    async_call,
    json_body,
    sync_call,
)
from flowsuite_client.errors import (
    AuthenticationFailed,
    FieldError,
    IFlowError,
    IFlowValidationError,
    UnexpectedResponse,
)
from flowsuite_client.iflow_types import (
    ActivityEvent,
    ApproveStatusReply,
    ClockReply,
    EmployeeStatus,
    OfflineScan,
    PlannedDay,
    ScanReply,
    StoredAttendances,
    SyncFields,
    SyncReply,
    WorkScheduleReport,
)

API = "/api/api_v2"
LANGUAGES = ("en_US", "ro_RO")
# How a form value may be given; `form_value` writes it as iFlow reads it.
FormValue = str | int | float | bool | dt.date | dt.time | Sequence[str | int] | None
Credential = Literal["api_key", "token", "either"]
AttendanceType = Literal["live_attendance", "work_schedule"]


def form_value(value: FormValue) -> str:
    """Flags as "1"/"0", dates YYYY-MM-DD, times HH:MM, datetimes ISO 8601, lists comma separated."""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, str):
        return value
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.time):
        return value.strftime("%H:%M")
    if isinstance(value, int | float):
        return str(value)
    return ",".join(str(item) for item in value or ())


def form(**values: FormValue) -> dict[str, str]:
    """The given values as form fields (None: not sent)."""
    return {name: form_value(value) for name, value in values.items() if value is not None}


# ---- replies ---------------------------------------------------------------------------------------


def refusal(response: httpx.Response, body: Any) -> None:
    """Raises what an iFlow answer refuses: a bad credential, a validator failure, a server error."""
    if isinstance(body, dict) and isinstance(body.get("error"), str):
        kind = AuthenticationFailed if response.status_code == 401 else IFlowError
        raise kind(body["error"], response.status_code)
    reply = body.get("api_reply") if isinstance(body, dict) else None
    if isinstance(reply, dict) and "error" in reply:
        errors = reply["error"] if isinstance(reply["error"], list) else []
        raise IFlowValidationError(
            [FieldError(str(e.get("field_name")), str(e.get("check_name")), str(e.get("message"))) for e in errors]
        )
    if response.status_code != 200:
        raise IFlowError(f"HTTP {response.status_code}: {str(body)[:200]}", response.status_code)


def parse_reply(response: httpx.Response) -> Any:
    """The `api_reply` object of a `user/...`-style answer."""
    body = json_body(response)
    refusal(response, body)
    reply = body.get("api_reply") if isinstance(body, dict) else None
    if not isinstance(reply, dict):
        raise UnexpectedResponse(f"not an iFlow reply (no api_reply): {str(body)[:200]}", response.status_code)
    return reply


def parse_list(response: httpx.Response) -> Any:
    """The bare array a Bearer endpoint answers."""
    body = json_body(response)
    refusal(response, body)
    if not isinstance(body, list):
        raise UnexpectedResponse(f"not an iFlow list: {str(body)[:200]}", response.status_code)
    return body


def parse_event_id(response: httpx.Response) -> str:
    return str(parse_reply(response)["event_id"])


# ---- request builders (shared by the sync and async clients) ----------------------------------------


class IFlowCalls:
    """The Calls of every iFlow endpoint, with the client's credentials and language."""

    def __init__(self, api_key: str | None, token: str | None, language: str) -> None:
        if language not in LANGUAGES:
            raise ValueError(f"language must be one of {', '.join(LANGUAGES)}")
        self.api_key = api_key
        self.token = token
        self.language = language

    def _credential(self, accepted: Credential, path: str) -> tuple[dict[str, str], dict[str, str]]:
        """(form fields, headers) carrying the credential the endpoint takes."""
        if accepted != "token" and self.api_key is not None:
            return {"api_key": self.api_key}, {}
        if accepted != "api_key" and self.token is not None:
            return {}, {"Authorization": f"Bearer {self.token}"}
        wanted = {"api_key": "an api_key", "token": "a Bearer token", "either": "an api_key or a token"}[accepted]
        raise ValueError(
            f"{path} needs {wanted}: IFlowClient(..., {accepted if accepted != 'either' else 'api_key'}=...)"
        )

    def _post(
        self,
        path: str,
        fields: Mapping[str, str],
        parse: Callable[[httpx.Response], Any],
        *,
        credential: Credential | None,
        reads: bool = False,
    ) -> Call[Any]:
        auth_fields, headers = ({}, {}) if credential is None else self._credential(credential, path)
        body = {**auth_fields, "api_language": self.language, **fields}
        return Call(Request("POST", path, form=body, headers=headers, idempotent=reads), parse)

    def get_work_schedule(self, year: int, month: int, totals: Sequence[str], /) -> Call[WorkScheduleReport]:
        """user/get_work_schedule (api_key): every employee's month, with the asked totals (e.g. `total`,
        `overtime`, `regular_weekend_night`)."""
        fields = form(year=year, month=f"{month:02d}", totals=totals)
        return self._post(f"{API}/user/get_work_schedule", fields, parse_reply, credential="api_key", reads=True)

    def users_get_work_schedule(
        self, /, year: int | None = None, month: int | None = None, totals: Sequence[str] | None = None
    ) -> Call[WorkScheduleReport]:
        """users/get_work_schedule (Bearer): the same report; year and month default to the current ones."""
        fields = form(year=year, month=None if month is None else f"{month:02d}", totals=totals)
        return self._post(f"{API}/users/get_work_schedule", fields, parse_reply, credential="token", reads=True)

    def sync_user(
        self, update_by: Literal["cnp", "id_card"], update_by_value: str, /, **fields: Unpack[SyncFields]
    ) -> Call[SyncReply]:
        """user/sync (api_key): updates the employee whose `update_by` is `update_by_value`, or creates one.

        `fields` are the sync fields (full_name, team_name, cnp, id_card, is_enabled, rfid_tag, birth_date, ...).
        """
        values = form(update_by=update_by, update_by_value=update_by_value, **fields)
        return self._post(f"{API}/user/sync", values, parse_reply, credential="api_key")

    def _status(self, which: str, attendance_type: AttendanceType | None) -> Call[list[EmployeeStatus]]:
        fields = form(attendance_type=attendance_type)
        return self._post(f"{API}/users/{which}", fields, parse_list, credential="token", reads=True)

    def get_today_status(self, /, attendance_type: AttendanceType | None = None) -> Call[list[EmployeeStatus]]:
        """users/get_today_status (Bearer): every enabled employee's status today (live attendance by default)."""
        return self._status("get_today_status", attendance_type)

    def get_tomorrow_status(self, /, attendance_type: AttendanceType | None = None) -> Call[list[EmployeeStatus]]:
        """users/get_tomorrow_status (Bearer): the status tomorrow, from plans and events."""
        return self._status("get_tomorrow_status", attendance_type)

    def get_next_work_day_status(self, /, attendance_type: AttendanceType | None = None) -> Call[list[EmployeeStatus]]:
        """users/get_next_work_day_status (Bearer): the status on the next working day."""
        return self._status("get_next_work_day_status", attendance_type)

    def get_activity_events(
        self,
        /,
        users_ids: Sequence[str | int] | None = None,
        teams: Sequence[str] | None = None,
        event_ids: Sequence[str | int] | None = None,
        status: Sequence[str] | None = None,
        date_interval_start: dt.date | str | None = None,
        date_interval_end: dt.date | str | None = None,
    ) -> Call[list[ActivityEvent]]:
        """events/get_activity_events (Bearer): events of these employees, teams (names), event type ids and
        approval statuses, in a date interval (both ends or neither)."""
        fields = form(
            users_ids=users_ids,
            teams=teams,
            event_ids=event_ids,
            status=status,
            date_interval_start=date_interval_start,
            date_interval_end=date_interval_end,
        )
        return self._post(f"{API}/events/get_activity_events", fields, parse_list, credential="token", reads=True)

    def set_work_schedule(
        self, user_id: str | int, date: dt.date | str, intervals: Sequence[str] | str, /
    ) -> Call[PlannedDay]:
        """user/set_work_schedule: replaces the employee's plan for the day (`["08:00-12:00", "12:30-16:30"]`;
        an empty list clears it; `22:00-06:00` ends the next morning)."""
        fields = {**form(user_id=user_id, date=date), "intervals": form_value(intervals)}
        return self._post(f"{API}/user/set_work_schedule", fields, parse_reply, credential="either")

    def add_event(
        self,
        user_id: str | int,
        event_type: str,
        /,
        *,
        start_date: dt.date | str | None = None,
        end_date: dt.date | str | None = None,
        date: dt.date | str | None = None,
        start_time: dt.time | str | None = None,
        end_time: dt.time | str | None = None,
        approve_status: str | None = None,
        other_leave_type_name: str | None = None,
        reason_message: str | None = None,
    ) -> Call[str]:
        """events/add_event: a leave or other event over days (`start_date`..`end_date`) or hours (`date`,
        `start_time`..`end_time`); the new event's id."""
        fields = form(
            user_id=user_id,
            event_type=event_type,
            start_date=start_date,
            end_date=end_date,
            date=date,
            start_time=start_time,
            end_time=end_time,
            approve_status=approve_status,
            other_leave_type_name=other_leave_type_name,
            reason_message=reason_message,
        )
        return self._post(f"{API}/events/add_event", fields, parse_event_id, credential="either")

    def set_approve_status(self, event_id: str | int, approve_status: str, /) -> Call[ApproveStatusReply]:
        """events/set_approve_status: approves or rejects an event (`approved`, `not_approved`, ...)."""
        fields = form(event_id=event_id, approve_status=approve_status)
        return self._post(f"{API}/events/set_approve_status", fields, parse_reply, credential="either")

    def clock(
        self,
        action: Literal["check_in", "check_out"],
        /,
        *,
        user_id: str | int | None = None,
        rfid_tag: str | None = None,
        time: dt.datetime | str | None = None,
    ) -> Call[ClockReply]:
        """user/clock: checks an employee (by user_id or rfid_tag) in or out at `time` (default now; a naive
        datetime is the company's local time)."""
        fields = form(action=action, user_id=user_id, rfid_tag=rfid_tag, time=time)
        return self._post(f"{API}/user/clock", fields, parse_reply, credential="either")

    def rfid_auto_attendance(self, access_token: str, rfid_tag: str, /) -> Call[ScanReply]:
        """rfid_devices/auto_attendance: one badge scan at the terminal whose serial is `access_token`."""
        fields = form(access_token=access_token, rfid_tag=rfid_tag)
        return self._post("/api/rfid_devices/auto_attendance", fields, parse_reply, credential=None)

    def rfid_store_attendances(self, access_token: str, scans: Sequence[OfflineScan], /) -> Call[StoredAttendances]:
        """rfid_v2/offline_attendance/store_attendances: a terminal's buffered scans; each one's outcome."""
        rows = [{"errorMsg": "", **scan} for scan in scans]
        fields = {**form(access_token=access_token), "csv_data": json.dumps(rows)}
        path = "/api/rfid_v2/offline_attendance/store_attendances"
        return self._post(path, fields, parse_reply, credential=None)


# ---- sync and async faces -----------------------------------------------------------------------------


class IFlowClient(SyncClient):
    """A blocking iFlow client: `api_key` for the `user/...` endpoints, `token` for the Bearer ones.

    `language` (en_US or ro_RO) is sent as `api_language`. `timeout` is httpx's; `retry` says how often
    reads and failed connections are tried again; other keyword arguments go to `httpx.Client`.
    """

    def __init__(
        self,
        base_url: str,
        api_key: str | None = None,
        token: str | None = None,
        language: str = "en_US",
        *,
        timeout: httpx.Timeout | float = DEFAULT_TIMEOUT,
        retry: RetryPolicy | None = None,
        **httpx_options: Any,
    ) -> None:
        self._calls = IFlowCalls(api_key, token, language)
        super().__init__(base_url, timeout, retry, httpx_options)

    get_work_schedule = sync_call(IFlowCalls.get_work_schedule)
    users_get_work_schedule = sync_call(IFlowCalls.users_get_work_schedule)
    sync_user = sync_call(IFlowCalls.sync_user)
    get_today_status = sync_call(IFlowCalls.get_today_status)
    get_tomorrow_status = sync_call(IFlowCalls.get_tomorrow_status)
    get_next_work_day_status = sync_call(IFlowCalls.get_next_work_day_status)
    get_activity_events = sync_call(IFlowCalls.get_activity_events)
    set_work_schedule = sync_call(IFlowCalls.set_work_schedule)
    add_event = sync_call(IFlowCalls.add_event)
    set_approve_status = sync_call(IFlowCalls.set_approve_status)
    clock = sync_call(IFlowCalls.clock)
    rfid_auto_attendance = sync_call(IFlowCalls.rfid_auto_attendance)
    rfid_store_attendances = sync_call(IFlowCalls.rfid_store_attendances)


class AsyncIFlowClient(AsyncClient):
    """The asyncio iFlow client: the same methods as IFlowClient, each a coroutine."""

    def __init__(
        self,
        base_url: str,
        api_key: str | None = None,
        token: str | None = None,
        language: str = "en_US",
        *,
        timeout: httpx.Timeout | float = DEFAULT_TIMEOUT,
        retry: RetryPolicy | None = None,
        **httpx_options: Any,
    ) -> None:
        self._calls = IFlowCalls(api_key, token, language)
        super().__init__(base_url, timeout, retry, httpx_options)

    get_work_schedule = async_call(IFlowCalls.get_work_schedule)
    users_get_work_schedule = async_call(IFlowCalls.users_get_work_schedule)
    sync_user = async_call(IFlowCalls.sync_user)
    get_today_status = async_call(IFlowCalls.get_today_status)
    get_tomorrow_status = async_call(IFlowCalls.get_tomorrow_status)
    get_next_work_day_status = async_call(IFlowCalls.get_next_work_day_status)
    get_activity_events = async_call(IFlowCalls.get_activity_events)
    set_work_schedule = async_call(IFlowCalls.set_work_schedule)
    add_event = async_call(IFlowCalls.add_event)
    set_approve_status = async_call(IFlowCalls.set_approve_status)
    clock = async_call(IFlowCalls.clock)
    rfid_auto_attendance = async_call(IFlowCalls.rfid_auto_attendance)
    rfid_store_attendances = async_call(IFlowCalls.rfid_store_attendances)
