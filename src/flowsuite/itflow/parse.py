"""The ITFlow adapter's parse step: a request's values read into the services' commands.

The module's Field and ReadFilter tables name the wire's parameters; what a module reads beyond them (assets'
primary interface, credentials' decrypt password and length guard, ticket replies' type and status) is read
here too, so that the services take only commands (itflow.commands) and the caller's Scope.
"""

from __future__ import annotations

from flowsuite.core.errors import InvalidInput
from flowsuite.itflow.commands import ColumnValue, DecryptMaterial, Page, RecordQuery, RecordWrite
from flowsuite.itflow.context import KeyContext
from flowsuite.itflow.params import Params, field_values, to_integer, to_text
from flowsuite.itflow.resources import ReadFilter, Resource
from flowsuite.itflow.services.assets import PRIMARY_INTERFACE_FIELDS, AssetsResource
from flowsuite.itflow.services.credentials import (
    BYTE_LIMITS,
    CHARACTER_LIMITS,
    DECRYPT_PASSWORD,
    CredentialsResource,
)
from flowsuite.itflow.services.ticket_replies import READABLE_TYPES, TicketRepliesResource


def read_query(resource: Resource, params: Params, page: Page, key: KeyContext) -> RecordQuery:
    """A read request as the module's query: the first filter present and its value, the client filter,
    the page, and what the module reads of its own (ticket replies' type, credentials' decrypt password)."""
    read_filter, value = chosen_filter(resource, params)
    client_id = to_integer("client_id", params.get("client_id"))
    reply_type, include_archived = None, False
    if isinstance(resource, TicketRepliesResource):
        # An unknown `type` is ignored, as in the original; `include_archived` counts unless empty or 0.
        reply_type = READABLE_TYPES.get((to_text("type", params.get("type")) or "").lower())
        include_archived = to_text("include_archived", params.get("include_archived")) not in (None, "", "0")
    material = decrypt(resource, params, key) if isinstance(resource, CredentialsResource) else None
    return RecordQuery(read_filter, value, client_id, page, reply_type, include_archived, material)


def chosen_filter(resource: Resource, params: Params) -> tuple[ReadFilter | None, int | str | None]:
    """The first read filter present in the request, with its parsed value."""
    for read_filter in resource.read_filters:
        raw = params.get(read_filter.param)
        if raw is None:
            continue
        if read_filter.whole_number:
            number = to_integer(read_filter.param, raw)
            if number is None:
                raise InvalidInput(read_filter.param, f"{read_filter.param} must be a whole number.")
            return read_filter, number
        return read_filter, to_text(read_filter.param, raw) or ""
    return None, None


def write_command(resource: Resource, function: str, params: Params, key: KeyContext) -> RecordWrite:
    """A write request (`function`: create, update, delete, archive, unarchive, resolve) as the module's
    command. Values are read in the order the original checks them, so that the first malformed one is
    the one named."""
    material = decrypt(resource, params, key) if function == "delete" else None
    record_id = None if function == "create" else to_integer(resource.pk, params.get(resource.pk))
    # A client-scoped key always writes for its own client, whatever it sends; clients name themselves.
    names_client = key.scope.all_clients and resource.pk != "client_id"
    client_id = None
    if names_client and function != "create":
        client_id = to_integer("client_id", params.get("client_id"))
    values: dict[str, ColumnValue] = {}
    related: dict[str, ColumnValue] = {}
    ticket_status = None
    if function in ("create", "update"):
        if isinstance(resource, CredentialsResource):
            check_stored_lengths(params)
        values = field_values(resource, resource.fields, params.get)
        if names_client and function == "create":
            client_id = to_integer("client_id", params.get("client_id"))
        if isinstance(resource, TicketRepliesResource):
            ticket_status = to_integer("ticket_status", params.get("ticket_status"))
        material = decrypt(resource, params, key)
        if isinstance(resource, AssetsResource):
            related = field_values(resource, PRIMARY_INTERFACE_FIELDS, params.get)
    reply_by = (key.author.credential_id or 0) if isinstance(resource, TicketRepliesResource) else 0
    return RecordWrite(record_id, client_id, values, related, ticket_status, reply_by, material)


def decrypt(resource: Resource, params: Params, key: KeyContext) -> DecryptMaterial | None:
    """For credentials, the key's seal of the data key and the decrypt password sent (body or query)."""
    if not isinstance(resource, CredentialsResource):
        return None
    return DecryptMaterial(key.sealed_data_key, to_text(DECRYPT_PASSWORD, params.get(DECRYPT_PASSWORD)))


def check_stored_lengths(params: Params) -> None:
    """Credentials: the original's "too long to store" guard, on the fields sent, before anything else."""
    for name, limit in BYTE_LIMITS:
        value = to_text(name, params.get(name), strip=False)
        if value is not None and len(value.encode()) > limit:
            raise InvalidInput(name, f"{name} is too long to store.")
    for name, limit in CHARACTER_LIMITS:
        value = to_text(name, params.get(name))
        if value is not None and len(value) > limit:
            raise InvalidInput(name, f"{name} is too long to store.")
