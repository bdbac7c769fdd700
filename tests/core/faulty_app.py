"""The real application with every face's services replaced by one fault, for the error-policy test.

`FLOWSUITE_TEST_FAULT` names the fault each endpoint's service raises instead of doing its work:
`unique` runs an INSERT that the database refuses as a duplicate (a real IntegrityError from the driver,
on whatever connection the endpoint was given), `unlisted` raises a domain error no face's table names.
The request is not parsed into a command (the service that would take it is gone, and the test sends only
the credential, which a parse checking the fields would refuse before the fault). Everything else (reading
the request, the credential, the transaction, the replies) is the real pipeline.
"""

from __future__ import annotations

import dataclasses
import os
from typing import Any

from sqlalchemy import bindparam, insert

from flowsuite.app import create_app
from flowsuite.cflow import router as cflow
from flowsuite.core.asgi import DirectPaths
from flowsuite.core.errors import DomainError
from flowsuite.core.wiretext import PreparedWrite, execute_in_turn
from flowsuite.iflow import router as iflow
from flowsuite.itflow import legacy
from flowsuite.itflow import router as itflow
from flowsuite.tenancy.models import Company

UNLISTED_MESSAGE = "An injected domain error that no face lists."
# The name of a company that exists: the test makes it before the server starts.
EXISTING_COMPANY = os.environ.get("FLOWSUITE_TEST_EXISTING_COMPANY", "")


class UnlistedError(DomainError):
    """A domain error of a kind no face's error table names."""


_DUPLICATE = PreparedWrite(
    lambda _dialect: insert(Company.__table__).values(
        name=bindparam("name"), timezone="UTC", created_at="2026-01-01 00:00:00"
    )
)


def _fault(connection: Any, _context: Any, _command: Any) -> Any:
    if os.environ["FLOWSUITE_TEST_FAULT"] == "unique":
        # execute_in_turn raises the driver's error as SQLAlchemy does (IntegrityError), on any connection; in
        # PostgreSQL's pipeline mode it arrives with the COMMIT, after the service has returned.
        execute_in_turn(connection, [(_DUPLICATE, {"name": EXISTING_COMPANY})])
        return None
    raise UnlistedError(UNLISTED_MESSAGE)


def _no_command(_request: Any, _context: Any) -> None:
    return None


def _faulty(endpoint: Any) -> Any:
    """The endpoint with the fault for a service (and no command for it); an endpoint that routes a request
    to another (api.php's reads and writes) routes it to that one's faulty twin."""
    route = endpoint.route
    if route is None:
        return dataclasses.replace(endpoint, parse=_no_command, run=_fault)

    def faulty_route(request: Any) -> Any:
        chosen = route(request)
        return None if chosen is None else _faulty(dataclasses.replace(chosen, route=None))

    return dataclasses.replace(endpoint, parse=_no_command, run=_fault, route=faulty_route)


def create_faulty_app() -> DirectPaths:
    for module in (itflow, legacy, iflow, cflow):
        module.ENDPOINTS = tuple(_faulty(endpoint) for endpoint in module.ENDPOINTS)  # type: ignore[attr-defined]
    return create_app()
