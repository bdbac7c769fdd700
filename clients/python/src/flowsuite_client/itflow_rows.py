"""The rows ITFlow's reads answer, as typed dictionaries with Python values.

ITFlow sends every value as a JSON string or null (`"asset_id": "1"`, `"client_rate": "95.00"`). Each
TypedDict below declares its columns' real types; `convert_row` reads those declarations and turns the
strings into ints, Decimals, dates, datetimes and durations, so the types are written down once. Keys
are the original's column names. A column a newer server adds comes through as its string.
"""

# No `from __future__ import annotations` here: TypedDict must see NotRequired[...] to tell optional keys.
import datetime as dt
import re
import types
import typing
from collections.abc import Callable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any, NotRequired, TypedDict, TypeVar, Union

from flowsuite_client.errors import UnexpectedResponse

R = TypeVar("R")


class Client(TypedDict):
    """A row of clients/read. `client_lead` is what clients/create and update call `client_is_lead`."""

    client_id: int
    client_lead: int
    client_name: str
    client_type: str | None
    client_website: str | None
    client_referral: str | None
    client_rate: Decimal | None
    client_currency_code: str
    client_net_terms: int
    client_tax_id_number: str | None
    client_abbreviation: str | None
    client_notes: str | None
    client_favorite: int
    client_created_at: dt.datetime
    client_updated_at: dt.datetime | None
    client_archived_at: dt.datetime | None
    client_accessed_at: dt.datetime | None


class Contact(TypedDict):
    """A row of contacts/read."""

    contact_id: int
    contact_name: str
    contact_title: str | None
    contact_email: str | None
    contact_phone_country_code: str | None
    contact_phone: str | None
    contact_extension: str | None
    contact_mobile_country_code: str | None
    contact_mobile: str | None
    contact_photo: str | None
    contact_pin: str | None
    contact_notes: str | None
    contact_primary: int
    contact_important: int
    contact_billing: int | None
    contact_technical: int | None
    contact_created_at: dt.datetime
    contact_updated_at: dt.datetime | None
    contact_archived_at: dt.datetime | None
    contact_accessed_at: dt.datetime | None
    contact_location_id: int
    contact_vendor_id: int
    contact_user_id: int
    contact_department: str | None
    contact_client_id: int


class Asset(TypedDict):
    """A row of assets/read. Listing reads (no filter, or `asset_mac`) add the primary interface's columns."""

    asset_id: int
    asset_type: str
    asset_name: str
    asset_description: str | None
    asset_make: str
    asset_model: str | None
    asset_serial: str | None
    asset_os: str | None
    asset_uri: str | None
    asset_uri_2: str | None
    asset_uri_client: str | None
    asset_status: str | None
    asset_purchase_reference: str | None
    asset_purchase_date: dt.date | None
    asset_warranty_expire: dt.date | None
    asset_install_date: dt.date | None
    asset_photo: str | None
    asset_physical_location: str | None
    asset_notes: str | None
    asset_favorite: int
    asset_created_at: dt.datetime
    asset_updated_at: dt.datetime | None
    asset_archived_at: dt.datetime | None
    asset_accessed_at: dt.datetime | None
    asset_vendor_id: int
    asset_location_id: int
    asset_contact_id: int
    asset_client_id: int
    # The primary interface (a LEFT JOIN: all None when the asset has none).
    interface_id: NotRequired[int | None]
    interface_name: NotRequired[str | None]
    interface_description: NotRequired[str | None]
    interface_type: NotRequired[str | None]
    interface_mac: NotRequired[str | None]
    interface_ip: NotRequired[str | None]
    interface_nat_ip: NotRequired[str | None]
    interface_ipv6: NotRequired[str | None]
    interface_notes: NotRequired[str | None]
    interface_primary: NotRequired[int | None]
    interface_created_at: NotRequired[dt.datetime | None]
    interface_updated_at: NotRequired[dt.datetime | None]
    interface_archived_at: NotRequired[dt.datetime | None]
    interface_network_id: NotRequired[int | None]
    interface_asset_id: NotRequired[int | None]


class Certificate(TypedDict):
    """A row of certificates/read."""

    certificate_id: int
    certificate_name: str
    certificate_description: str | None
    certificate_domain: str | None
    certificate_issued_by: str
    certificate_expire: dt.date | None
    certificate_public_key: str | None
    certificate_notes: str | None
    certificate_favorite: int
    certificate_created_at: dt.datetime
    certificate_updated_at: dt.datetime | None
    certificate_archived_at: dt.datetime | None
    certificate_accessed_at: dt.datetime | None
    certificate_domain_id: int
    certificate_client_id: int


class Credential(TypedDict):
    """A row of credentials/read, username and password decrypted with the key's decrypt password."""

    credential_id: int
    credential_name: str
    credential_description: str | None
    credential_category: str | None
    credential_uri: str | None
    credential_uri_2: str | None
    credential_username: str | None
    credential_password: str | None
    credential_otp_secret: str | None
    credential_note: str | None
    credential_favorite: int
    credential_created_at: dt.datetime
    credential_updated_at: dt.datetime | None
    credential_archived_at: dt.datetime | None
    credential_accessed_at: dt.datetime | None
    credential_password_changed_at: dt.datetime | None
    credential_folder_id: int
    credential_contact_id: int
    credential_asset_id: int
    credential_client_id: int


class Domain(TypedDict):
    """A row of domains/read."""

    domain_id: int
    domain_name: str
    domain_description: str | None
    domain_expire: dt.date | None
    domain_ip: str | None
    domain_name_servers: str | None
    domain_mail_servers: str | None
    domain_txt: str | None
    domain_raw_whois: str | None
    domain_notes: str | None
    domain_favorite: int
    domain_created_at: dt.datetime
    domain_updated_at: dt.datetime | None
    domain_archived_at: dt.datetime | None
    domain_accessed_at: dt.datetime | None
    domain_registrar: int
    domain_webhost: int
    domain_dnshost: int
    domain_mailhost: int
    domain_client_id: int


class Network(TypedDict):
    """A row of networks/read."""

    network_id: int
    network_name: str
    network_description: str | None
    network_vlan: int | None
    network: str
    network_subnet: str | None
    network_gateway: str
    network_primary_dns: str | None
    network_secondary_dns: str | None
    network_dhcp_range: str | None
    network_notes: str | None
    network_favorite: int
    network_created_at: dt.datetime
    network_updated_at: dt.datetime | None
    network_archived_at: dt.datetime | None
    network_accessed_at: dt.datetime | None
    network_location_id: int
    network_client_id: int


class Software(TypedDict):
    """A row of software/read."""

    software_id: int
    software_name: str
    software_description: str | None
    software_version: str | None
    software_type: str
    software_license_type: str | None
    software_key: str | None
    software_seats: int | None
    software_purchase_reference: str | None
    software_purchase: dt.date | None
    software_expire: dt.date | None
    software_notes: str | None
    software_favorite: int
    software_created_at: dt.datetime
    software_updated_at: dt.datetime | None
    software_archived_at: dt.datetime | None
    software_accessed_at: dt.datetime | None
    software_vendor_id: int | None
    software_client_id: int


class Ticket(TypedDict):
    """A row of tickets/read. A read by `ticket_id` adds the ticket's status row (`ticket_status_*`)."""

    ticket_id: int
    ticket_prefix: str | None
    ticket_number: int
    ticket_source: str | None
    ticket_category: str | None
    ticket_subject: str
    ticket_details: str
    ticket_priority: str | None
    ticket_status: int
    ticket_sla_id: int
    ticket_billable: int
    ticket_schedule: dt.datetime | None
    ticket_onsite: int
    ticket_vendor_ticket_number: str | None
    ticket_feedback: str | None
    ticket_url_key: str | None
    ticket_created_at: dt.datetime
    ticket_updated_at: dt.datetime | None
    ticket_due_at: dt.datetime | None
    ticket_resolved_at: dt.datetime | None
    ticket_archived_at: dt.datetime | None
    ticket_first_response_at: dt.datetime | None
    ticket_response_due_at: dt.datetime | None
    ticket_resolution_due_at: dt.datetime | None
    ticket_response_sla_met: int | None
    ticket_resolution_sla_met: int | None
    ticket_response_sla_alert_stage: int
    ticket_resolution_sla_alert_stage: int
    ticket_closed_at: dt.datetime | None
    ticket_created_by: int
    ticket_assigned_to: int
    ticket_closed_by: int
    ticket_vendor_id: int
    ticket_client_id: int
    ticket_contact_id: int
    ticket_location_id: int
    ticket_asset_id: int
    ticket_quote_id: int
    ticket_invoice_id: int
    ticket_project_id: int
    ticket_recurring_ticket_id: int | None
    ticket_order: int
    # Its status (the read by ticket_id only).
    ticket_status_id: NotRequired[int | None]
    ticket_status_name: NotRequired[str | None]
    ticket_status_color: NotRequired[str | None]
    ticket_status_active: NotRequired[int | None]
    ticket_status_pauses_sla: NotRequired[int | None]
    ticket_status_order: NotRequired[int | None]


class TicketReply(TypedDict):
    """A row of ticket_replies/read, with its ticket's number, subject and client, and the author's name."""

    ticket_reply_id: int
    ticket_reply: str
    ticket_reply_type: str
    ticket_reply_time_worked: dt.timedelta | None
    ticket_reply_created_at: dt.datetime
    ticket_reply_updated_at: dt.datetime | None
    ticket_reply_archived_at: dt.datetime | None
    ticket_reply_by: int
    ticket_reply_ticket_id: int
    # From the ticket replied to, and who wrote the reply.
    ticket_prefix: str | None
    ticket_number: int
    ticket_subject: str
    ticket_client_id: int
    ticket_reply_by_name: str | None


# ---- turning wire strings into the declared types ------------------------------------------------

# MariaDB's zero dates mean "no date" where an old ITFlow install has them.
_ZERO_DATES = frozenset({"0000-00-00", "0000-00-00 00:00:00"})
_DURATION = re.compile(r"(\d+):([0-5]\d):([0-5]\d)")


def _date(text: str) -> dt.date | None:
    return None if text in _ZERO_DATES else dt.date.fromisoformat(text)


def _datetime(text: str) -> dt.datetime | None:
    return None if text in _ZERO_DATES else dt.datetime.fromisoformat(text)


def _duration(text: str) -> dt.timedelta:
    """H:MM:SS (hours may pass 24 in a time report) as a timedelta."""
    match = _DURATION.fullmatch(text)
    if match is None:
        raise ValueError(f"not a duration: {text!r}")
    hours, minutes, seconds = (int(part) for part in match.groups())
    return dt.timedelta(hours=hours, minutes=minutes, seconds=seconds)


def _decimal(text: str) -> Decimal:
    try:
        return Decimal(text)
    except InvalidOperation as error:
        raise ValueError(f"not a number: {text!r}") from error


_CONVERTERS: dict[Any, Callable[[str], Any]] = {
    int: int,
    Decimal: _decimal,
    dt.date: _date,
    dt.datetime: _datetime,
    dt.timedelta: _duration,
}
_TABLES: dict[type, dict[str, Callable[[str], Any]]] = {}


def _value_type(annotation: Any) -> Any:
    """`int` of `int | None` (and of `Optional[int]`); other annotations as they are."""
    if typing.get_origin(annotation) in (Union, types.UnionType):
        return next(arg for arg in typing.get_args(annotation) if arg is not type(None))
    return annotation


def converters(row_type: type) -> dict[str, Callable[[str], Any]]:
    """Column -> converter for the non-text columns that `row_type` declares (worked out once per type)."""
    table = _TABLES.get(row_type)
    if table is None:
        hints = typing.get_type_hints(row_type)
        table = {}
        for column, annotation in hints.items():
            convert = _CONVERTERS.get(_value_type(annotation))
            if convert is not None:
                table[column] = convert
        _TABLES[row_type] = table
    return table


def convert_row(row_type: type[R], raw: Mapping[str, Any]) -> R:
    """One wire row as `row_type`: declared columns converted, null kept as None, unknown columns as sent."""
    table = converters(row_type)
    row: dict[str, Any] = {}
    for column, value in raw.items():
        if column.isdigit():
            # ITFlow releases before 26.02 repeat every value under its position ("0", "1", ...).
            continue
        if value is False:
            # The original answers `false` for a credential field it could not decrypt.
            row[column] = None
            continue
        convert = table.get(column)
        if convert is None or not isinstance(value, str):
            row[column] = value
            continue
        try:
            row[column] = convert(value)
        except ValueError as error:
            raise UnexpectedResponse(f"column {column}: cannot read {value!r} ({error})", 200) from None
    return typing.cast(R, row)
