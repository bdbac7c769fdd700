"""The legacy /api.php wire: ITFlow's first API, plain text (and one XML phonebook) over GET.

The rules live in `services/legacy.py`; this module only reads the query string, authenticates the
key (the same keys as /api/v1), and renders the answers the way the original did, with its messages.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any
from xml.sax.saxutils import escape

from sqlalchemy.orm import Session
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from flowsuite.core.audit import Actor, Caller
from flowsuite.core.db import ReadSession
from flowsuite.core.errors import AccessDenied, Conflict, DomainError, InvalidInput, NotFound
from flowsuite.core.http import DATABASE_BUSY, RETRY_AFTER, incident_message
from flowsuite.core.pipeline import ORM_READ, ORM_WRITE, Answered, Endpoint, EndpointInfo, OpenApi, Presented, Rejected
from flowsuite.core.secrets import ServerSecret
from flowsuite.core.wiretext import Readable
from flowsuite.itflow.context import KeyContext
from flowsuite.itflow.keys import key_for
from flowsuite.itflow.services import legacy
from flowsuite.itflow.services.legacy import LegacyAnswer, LegacyRequest, PhonebookEntry

PATH = "/api.php"
MISSING_KEY = "Missing the API Key."
BAD_KEY = "Incorrect or expired API Key."
WRONG_METHOD = "Can only send GET requests to this endpoint."
ASSET_ADDED = "Asset added!"
CONFLICT = "Another request changed the same records at the same time; try again."
XML_HEAD = '<?xml version="1.0" encoding="utf-8"?><AddressBook>'
XML_TAIL = "</AddressBook>"
# Characters XML 1.0 cannot carry at all, even escaped; a stray one would make the whole phonebook unreadable.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


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


@dataclass(frozen=True, slots=True)
class LegacyCall:
    """The query string, and what it asks for or why it is malformed (answered only once the key is good)."""

    api_key: str
    wanted: LegacyRequest | InvalidInput

    @property
    def writes(self) -> bool:
        return isinstance(self.wanted, LegacyRequest) and self.wanted.writes


class LegacyFace:
    """The legacy api.php's side of the pipeline: plain-text answers and the original's messages."""

    name = "itflow"

    async def read(self, request: Request, body: bytes, endpoint: EndpointInfo) -> LegacyCall:
        query = dict(request.query_params)
        try:
            wanted: LegacyRequest | InvalidInput = legacy.parse_request(query)
        except InvalidInput as error:
            wanted = error
        return LegacyCall(query.get("api_key", ""), wanted)

    def present(self, request: LegacyCall, endpoint: EndpointInfo) -> Presented:
        if not request.api_key:
            raise Answered(text(MISSING_KEY, 401))
        return Presented("api_key", request.api_key)

    def resolve(
        self, connection: Readable, secret: ServerSecret, presented: Presented, request: LegacyCall, caller: Caller
    ) -> KeyContext:
        return key_for(connection, secret, presented.secret, caller, PATH)

    def actor(self, context: KeyContext) -> Actor:
        return context.actor

    def refusal(self, request: LegacyCall | None, error: Exception) -> Response | None:
        if isinstance(error, InvalidInput):
            return text(error.message, 400)
        if isinstance(error, NotFound):
            return text(str(error), 404)
        if isinstance(error, Conflict):
            return text(str(error), 409)
        if isinstance(error, AccessDenied):
            return text(str(error), 403)
        if isinstance(error, DomainError):
            return text(str(error), 400)
        return None

    def rejected(self, request: LegacyCall, presented: Presented, rejection: Rejected) -> Response:
        return text(BAD_KEY, 401)

    def wrong_method(self, endpoint: EndpointInfo) -> Response:
        return text(WRONG_METHOD, 405, {"Allow": "GET"})

    def too_large(self, limit: int) -> Response:
        return text(f"The request body is larger than {limit} bytes.", 413)

    def conflict(self, request: LegacyCall, endpoint: EndpointInfo) -> Response:
        return text(CONFLICT, 409)

    def busy(self, request: LegacyCall | None) -> Response:
        return text(DATABASE_BUSY, 503, RETRY_AFTER)

    def incident(self, request: LegacyCall | None, incident: str) -> Response:
        return text(incident_message(incident), 500)


FACE = LegacyFace()


def _wanted(request: LegacyCall, _key: KeyContext) -> LegacyRequest:
    if isinstance(request.wanted, InvalidInput):
        raise request.wanted
    return request.wanted


def _rendered(_request: LegacyCall, answer: LegacyAnswer) -> Response:
    return render(answer)


def _query_parameter(name: str, description: str) -> dict[str, Any]:
    return {"name": name, "in": "query", "required": False, "schema": {"type": "string"}, "description": description}


SUMMARY = "Legacy api.php: caller ID, phonebook, client emails, balance, add asset"
_PARAMETERS = [
    _query_parameter("api_key", "An ITFlow API key (the same keys as /api/v1)."),
    _query_parameter("cid", "Caller ID: a phone number; answers `<name> - <digits>`."),
    _query_parameter("phonebook", "The XML phonebook (flag; answered alone)."),
    _query_parameter("client_emails", "One `<client> - <contact> - <email>` line per client (flag)."),
    _query_parameter("client_id", "Alone: the client's account balance. With add_asset: the asset's client."),
    _query_parameter("add_asset", "Adds an asset with this name; answers `Asset added!`."),
    *(_query_parameter(name, f"add_asset: the asset's {name}") for name in ("type", "make", "model", "serial", "os")),
]
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
    503: {
        "description": "The database cannot answer now; try again later.",
        "headers": {"Retry-After": {"description": "Seconds to wait.", "schema": {"type": "integer"}}},
        "content": {"text/plain": {"example": DATABASE_BUSY}},
    },
}

_INFO = EndpointInfo(PATH, ("GET",), "itflow_legacy_api_php", ("api_key",), writes=False)
_OPENAPI = OpenApi(tags=("ITFlow: legacy api.php",), parameters=tuple(_PARAMETERS), responses=_RESPONSES)
_WRITE = Endpoint[LegacyCall, KeyContext, Session, LegacyRequest, LegacyAnswer](
    replace(_INFO, writes=True),
    SUMMARY,
    ORM_WRITE,
    parse=_wanted,
    run=lambda session, key, wanted: legacy.perform(session, key.scope, key.author, wanted),
    render=_rendered,
)


def _by_access(request: LegacyCall) -> Endpoint[LegacyCall, KeyContext, Any, LegacyRequest, LegacyAnswer]:
    """A request that records a call or adds an asset writes; every other one only reads."""
    return _WRITE if request.writes else _READ


_READ: Endpoint[LegacyCall, KeyContext, ReadSession, LegacyRequest, LegacyAnswer] = Endpoint(
    _INFO,
    SUMMARY,
    ORM_READ,
    parse=_wanted,
    run=lambda session, key, wanted: legacy.look_up(session, key.scope, wanted),
    render=_rendered,
    openapi=_OPENAPI,
    route=_by_access,
)
ENDPOINTS = (_READ,)
