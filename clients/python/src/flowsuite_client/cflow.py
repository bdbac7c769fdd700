"""Cflow's integration API (`/integromat/api`, the API behind its Make / Integromat app), sync and async.

    with CflowClient("https://us.cflowapps.com", APIKEY, USERKEY, "ana@example.com") as cflow:
        needed_by = dt.datetime(2027, 3, 26, 18, 30)
        record_id = cflow.submit_record("PurchaseRequest", {"Item": "Laptop", "Needed_By": needed_by})

Every call carries the three credential headers. `submit_record` and `update_record` write values the way
Cflow reads them: datetimes and dates as `M/D/YYYY h:mm:ss AM/PM`, any list, tuple or set as a JSON list
(a `multiple` field), Decimals as text, booleans and numbers as JSON.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Set
from decimal import Decimal
from typing import Any

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
from flowsuite_client.cflow_types import Connection, FieldDefinition, ProcessStage, StageStatus, Workflow
from flowsuite_client.errors import AuthenticationFailed, CflowError, CflowFieldProblem, UnexpectedResponse

API = "/integromat/api"
# A value of a record's field, as Python gives it; `cflow_value` writes it as Cflow reads it.
CflowValue = str | int | float | bool | Decimal | dt.date | dt.datetime | list[Any] | tuple[Any, ...] | Set[Any] | None


def cflow_datetime(value: dt.date) -> str:
    """`M/D/YYYY h:mm:ss AM/PM`, as the vendor's samples write dates ("3/26/2022 6:30:00 PM"); a date is midnight.

    The wall-clock time is written as given: Cflow's format carries no time zone.
    """
    moment = value if isinstance(value, dt.datetime) else dt.datetime.combine(value, dt.time())
    hour = moment.hour % 12 or 12
    half = "AM" if moment.hour < 12 else "PM"
    return f"{moment.month}/{moment.day}/{moment.year} {hour}:{moment.minute:02d}:{moment.second:02d} {half}"


def cflow_value(value: CflowValue) -> Any:
    """One field's value in Cflow's form (a list for a `multiple` field, each item formatted alike)."""
    if isinstance(value, bool | int | float | str) or value is None:
        return value
    if isinstance(value, dt.date):
        return cflow_datetime(value)
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, list | tuple | Set):
        return [cflow_value(item) for item in value]
    raise TypeError(f"a Cflow field cannot take {type(value).__name__}: {value!r}")


def cflow_values(values: Mapping[str, CflowValue]) -> dict[str, Any]:
    """The values of a submit or an update; None means "not sent"."""
    return {name: cflow_value(value) for name, value in values.items() if value is not None}


# ---- replies ---------------------------------------------------------------------------------------


def cflow_body(response: httpx.Response) -> Any:
    """The reply's JSON; the API's refusals (`{"Message", "Errors"}`) raised with every field they name."""
    if response.status_code == 401 and not response.headers.get("content-type", "").startswith("application/json"):
        raise AuthenticationFailed(response.text.strip() or "No valid API key provided.", 401)
    body = json_body(response)
    if response.status_code == 200:
        return body
    message = str(body.get("Message", body)) if isinstance(body, dict) else str(body)
    if response.status_code == 401:
        raise AuthenticationFailed(message, 401)
    problems = body.get("Errors") if isinstance(body, dict) else None
    listed = [CflowFieldProblem(str(p.get("Field")), str(p.get("Message"))) for p in problems or ()]
    raise CflowError(message, response.status_code, listed)


def unwrap(key: str) -> Callable[[httpx.Response], Any]:
    """A parser taking the list under `key` of the reply (`{"Workflows": [...]}` -> the list)."""

    def parse(response: httpx.Response) -> Any:
        body = cflow_body(response)
        if not isinstance(body, dict) or not isinstance(body.get(key), list):
            raise UnexpectedResponse(f"not a Cflow {key} reply: {str(body)[:200]}", response.status_code)
        return body[key]

    return parse


def parse_list(response: httpx.Response) -> Any:
    body = cflow_body(response)
    if not isinstance(body, list):
        raise UnexpectedResponse(f"not a Cflow list: {str(body)[:200]}", response.status_code)
    return body


def parse_record_id(response: httpx.Response) -> str:
    body = cflow_body(response)
    if not isinstance(body, dict) or "Record_Id" not in body:
        raise UnexpectedResponse(f"no Record_Id in the reply: {str(body)[:200]}", response.status_code)
    return str(body["Record_Id"])


# ---- request builders (shared by the sync and async clients) ----------------------------------------


class CflowCalls:
    """The Calls of the nine endpoints, with the user's credentials."""

    def __init__(self, apikey: str, userkey: str, username: str) -> None:
        if not (apikey and userkey and username):
            raise ValueError("apikey, userkey and username are all needed")
        self.headers = {"apikey": apikey, "userkey": userkey, "username": username}
        self.username = username

    def _get(self, path: str, parse: Callable[[httpx.Response], Any], **params: str) -> Call[Any]:
        return Call(Request("GET", f"{API}/{path}", params=params, headers=self.headers, idempotent=True), parse)

    def _post(self, path: str, params: dict[str, str], body: dict[str, Any]) -> Call[str]:
        request = Request("POST", f"{API}/{path}", params=params, json=body, headers=self.headers)
        return Call(request, parse_record_id)

    def get_connection(self, /) -> Call[Connection]:
        """connection/GetConnection: checks the credentials (AuthenticationFailed if they are wrong)."""
        return self._get("connection/GetConnection", cflow_body)

    def get_workflows(self, /) -> Call[list[Workflow]]:
        """cflow/getworkflows: the workflows the user may start."""
        return self._get("cflow/getworkflows", unwrap("Workflows"), username=self.username)

    def get_process(self, workflow: str, /) -> Call[list[ProcessStage]]:
        """cflow/getprocess: the workflow's stages in order, END last; a stage's ProcessID is its group_id."""
        return self._get("cflow/getprocess", parse_list, username=self.username, WorkflowName=workflow)

    def get_status(self, workflow: str, group_id: str | int, /) -> Call[list[StageStatus]]:
        """cflow/getstatus: the status tags of a review stage."""
        return self._get("cflow/getstatus", unwrap("Status"), group_id=str(group_id), WorkflowName=workflow)

    def get_workflow_fieldsets(self, workflow: str, /) -> Call[list[FieldDefinition]]:
        """cflow/getworkflowfieldsets: the form's fields, for mapping a submit."""
        return self._get("cflow/getworkflowfieldsets", parse_list, username=self.username, WorkflowName=workflow)

    def get_workflow_process_fieldsets(self, workflow: str, group_id: str | int, /) -> Call[list[FieldDefinition]]:
        """cflow/getworkflowprocessfieldsets: the fields of a stage (the form's and the review stages' R_ fields)."""
        params = {"username": self.username, "WorkflowName": workflow, "group_id": str(group_id)}
        return self._get("cflow/getworkflowprocessfieldsets", parse_list, **params)

    def get_workflow_process_fields_for_map(self, workflow: str, group_id: str | int, /) -> Call[list[FieldDefinition]]:
        """cflow/getworkflowprocessfieldsformap: the stage's fields with RecordId, for mapping an update."""
        params = {"username": self.username, "WorkflowName": workflow, "group_id": str(group_id)}
        return self._get("cflow/getworkflowprocessfieldsformap", parse_list, **params)

    def submit_record(self, workflow: str, values: Mapping[str, CflowValue], /) -> Call[str]:
        """cflow/submitrecord: a new record of the workflow from its form's values; its Record_Id."""
        params = {"username": self.username, "WorkflowName": workflow}
        return self._post(
            "cflow/submitrecord", params, {"main": {"WorkflowName": workflow}, "dynamicobj": cflow_values(values)}
        )

    def update_record(
        self, workflow: str, group_id: str | int, record_id: str | int, values: Mapping[str, CflowValue], /
    ) -> Call[str]:
        """cflow/updaterecord: changes a record at its current stage (`R_Status{n}: "Approved"` moves it on)."""
        main = {"WorkflowName": workflow, "group_id": str(group_id), "RecordId": str(record_id)}
        params = {"username": self.username, **main}
        return self._post("cflow/updaterecord", params, {"main": main, "Values": cflow_values(values)})


# ---- sync and async faces -----------------------------------------------------------------------------


class CflowClient(SyncClient):
    """A blocking Cflow client for one user: the company's `apikey`, the user's `userkey` and `username`.

    `base_url` is the region's host (`https://us.cflowapps.com`) or a flowsuite server. `timeout` is
    httpx's; `retry` says how often reads and failed connections are tried again.
    """

    def __init__(
        self,
        base_url: str,
        apikey: str,
        userkey: str,
        username: str,
        *,
        timeout: httpx.Timeout | float = DEFAULT_TIMEOUT,
        retry: RetryPolicy | None = None,
        **httpx_options: Any,
    ) -> None:
        self._calls = CflowCalls(apikey, userkey, username)
        super().__init__(base_url, timeout, retry, httpx_options)

    get_connection = sync_call(CflowCalls.get_connection)
    get_workflows = sync_call(CflowCalls.get_workflows)
    get_process = sync_call(CflowCalls.get_process)
    get_status = sync_call(CflowCalls.get_status)
    get_workflow_fieldsets = sync_call(CflowCalls.get_workflow_fieldsets)
    get_workflow_process_fieldsets = sync_call(CflowCalls.get_workflow_process_fieldsets)
    get_workflow_process_fields_for_map = sync_call(CflowCalls.get_workflow_process_fields_for_map)
    submit_record = sync_call(CflowCalls.submit_record)
    update_record = sync_call(CflowCalls.update_record)


class AsyncCflowClient(AsyncClient):
    """The asyncio Cflow client: the same methods as CflowClient, each a coroutine."""

    def __init__(
        self,
        base_url: str,
        apikey: str,
        userkey: str,
        username: str,
        *,
        timeout: httpx.Timeout | float = DEFAULT_TIMEOUT,
        retry: RetryPolicy | None = None,
        **httpx_options: Any,
    ) -> None:
        self._calls = CflowCalls(apikey, userkey, username)
        super().__init__(base_url, timeout, retry, httpx_options)

    get_connection = async_call(CflowCalls.get_connection)
    get_workflows = async_call(CflowCalls.get_workflows)
    get_process = async_call(CflowCalls.get_process)
    get_status = async_call(CflowCalls.get_status)
    get_workflow_fieldsets = async_call(CflowCalls.get_workflow_fieldsets)
    get_workflow_process_fieldsets = async_call(CflowCalls.get_workflow_process_fieldsets)
    get_workflow_process_fields_for_map = async_call(CflowCalls.get_workflow_process_fields_for_map)
    submit_record = async_call(CflowCalls.submit_record)
    update_record = async_call(CflowCalls.update_record)
