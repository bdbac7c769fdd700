"""The legacy /api.php wire: ITFlow's first API, plain text (and one XML phonebook) over GET.

The rules live in `services/legacy.py`; this module only reads the query string, authenticates the
key (the same keys as /api/v1), and renders the answers the way the original did, with its messages.
"""

from __future__ import annotations

import logging
import re
from decimal import Decimal
from typing import Any
from xml.sax.saxutils import escape

from fastapi import APIRouter
from sqlalchemy.exc import OperationalError
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from flowsuite.core.errors import InvalidInput, NotFound
from flowsuite.core.http import caller_of, database_busy, internal_error
from flowsuite.core.runtime import Runtime
from flowsuite.itflow.keys import authenticate
from flowsuite.itflow.router import audit_failed_key
from flowsuite.itflow.services import legacy
from flowsuite.itflow.services.legacy import LegacyAnswer, LegacyRequest, PhonebookEntry

log = logging.getLogger("flowsuite.itflow.legacy")

PATH = "/api.php"
MISSING_KEY = "Missing the API Key."
BAD_KEY = "Incorrect or expired API Key."
WRONG_METHOD = "Can only send GET requests to this endpoint."
ASSET_ADDED = "Asset added!"
XML_HEAD = '<?xml version="1.0" encoding="utf-8"?><AddressBook>'
XML_TAIL = "</AddressBook>"
# Characters XML 1.0 cannot carry at all, even escaped; a stray one would make the whole phonebook unreadable.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")

router = APIRouter()


class _KeyRejected(Exception):
    pass


def text(body: str, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    """A plain-text answer (`text/plain; charset=utf-8`); the original sent everything but XML as text."""
    return PlainTextResponse(body, status, headers)


def php_number(amount: Decimal) -> str:
    """An amount as PHP prints a float: 150.00 → "150", 150.50 → "150.5", -20.25 → "-20.25"."""
    if amount == 0:
        return "0"
    return format(amount.normalize(), "f")


def _xml_text(value: str) -> str:
    return escape(_NOT_XML.sub("", value))


def phonebook_xml(entries: list[PhonebookEntry]) -> str:
    contacts = "".join(
        f"<Contact><LastName>{_xml_text(e.name)}</LastName>"
        f"<Phone><phonenumber>{_xml_text(e.number)}</phonenumber></Phone>"
        f"<Groups><groupid>{e.group}</groupid></Groups></Contact>"
        for e in entries
    )
    return XML_HEAD + contacts + XML_TAIL


def _joined(parts: list[str]) -> str:
    """Several actions' outputs, each starting on a line of its own; a lone output is sent as is."""
    return "".join(part if part.endswith("\n") else part + "\n" for part in parts[:-1]) + (parts[-1] if parts else "")


def render(answer: LegacyAnswer) -> Response:
    if answer.phonebook is not None:
        return Response(phonebook_xml(answer.phonebook), media_type="text/xml")
    parts = []
    if answer.caller is not None:
        parts.append(f"{answer.caller.name} - {answer.caller.number}")
    if answer.client_emails:
        # The seed calls this list "great for mailing lists". The original ended each line with `<br>`
        # because PHP answered as text/html for a browser; in a text/plain answer that would be junk in
        # every address a script reads, so each line ends with a newline instead (the last one too, so
        # that a shell `while read` loop sees every line).
        parts.append("".join(f"{e.client_name} - {e.contact_name} - {e.contact_email}\n" for e in answer.client_emails))
    if answer.balance is not None:
        parts.append(php_number(answer.balance))
    if answer.added_asset_id is not None:
        parts.append(ASSET_ADDED)
    return text(_joined(parts))


def _parsed(query: dict[str, str]) -> LegacyRequest | InvalidInput:
    """The request, or why it is malformed (answered only once the key is known to be good)."""
    try:
        return legacy.parse_request(query)
    except InvalidInput as error:
        return error


def api_php(request: Request) -> Response:
    runtime: Runtime = request.app.state.runtime
    if request.method != "GET":
        return text(WRONG_METHOD, 405, {"Allow": "GET"})
    query = dict(request.query_params)
    presented = query.get("api_key")
    if not presented:
        return text(MISSING_KEY, 401)
    caller = caller_of(request)
    wanted = _parsed(query)
    writes = isinstance(wanted, LegacyRequest) and wanted.writes
    try:
        with runtime.db.transaction(write=writes) as session:
            key = authenticate(session, runtime.secret, presented, caller)
            if key is None:
                raise _KeyRejected
            if isinstance(wanted, InvalidInput):
                raise wanted
            answer = legacy.perform(session, key, wanted)
    except _KeyRejected:
        audit_failed_key(runtime, caller, PATH)
        return text(BAD_KEY, 401)
    except InvalidInput as error:
        return text(error.message, 400)
    except NotFound as error:
        return text(str(error), 404)
    except OperationalError:
        return text(database_busy(log, PATH), 503)
    except Exception:
        return text(internal_error(log, PATH), 500)
    runtime.last_use.note(runtime.db, key.credential_id)
    return render(answer)


def _query_parameter(name: str, description: str) -> dict[str, Any]:
    return {"name": name, "in": "query", "required": False, "schema": {"type": "string"}, "description": description}


_OPENAPI: dict[str, Any] = {
    "parameters": [
        _query_parameter("api_key", "An ITFlow API key (the same keys as /api/v1)."),
        _query_parameter("cid", "Caller ID: a phone number; answers `<name> - <digits>`."),
        _query_parameter("phonebook", "The XML phonebook (flag; answered alone)."),
        _query_parameter("client_emails", "One `<client> - <contact> - <email>` line per client (flag)."),
        _query_parameter("client_id", "Alone: the client's account balance. With add_asset: the asset's client."),
        _query_parameter("add_asset", "Adds an asset with this name; answers `Asset added!`."),
        *(
            _query_parameter(name, f"add_asset: the asset's {name}")
            for name in ("type", "make", "model", "serial", "os")
        ),
    ]
}
_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "The actions' outputs, concatenated in the order cid, client_emails, balance, add_asset.",
        "content": {
            "text/plain": {"example": "Jane Doe - 12125550101"},
            "text/xml": {"example": XML_HEAD + XML_TAIL},
        },
    },
    400: {"description": "Malformed input; the message names the parameter.", "content": {"text/plain": {}}},
    401: {"description": f"`{MISSING_KEY}` or `{BAD_KEY}`", "content": {"text/plain": {}}},
    404: {"description": "The client of a balance does not exist for this key.", "content": {"text/plain": {}}},
    405: {"description": WRONG_METHOD, "content": {"text/plain": {}}},
}

router.add_api_route(
    PATH,
    api_php,
    methods=["GET"],
    summary="Legacy api.php: caller ID, phonebook, client emails, balance, add asset",
    tags=["ITFlow: legacy api.php"],
    response_class=Response,
    responses=_RESPONSES,
    openapi_extra=_OPENAPI,
)
# The other methods reach the same handler, which answers 405 as plain text.
router.add_api_route(
    PATH, api_php, methods=["HEAD", "OPTIONS", "POST", "PUT", "PATCH", "DELETE"], include_in_schema=False
)
