"""ITFlow's tables, with the original's column names (they are the wire's row keys).

Every table also carries `company_id` (the tenant), which never appears on the wire. Ids are global
across companies; every query is scoped by company first. Column order is the original's, because a
read returns the row's columns in table order.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Index, Integer, Numeric, SmallInteger, String, Text, text
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

from flowsuite.core.db import Base, CalendarDate, ClockTime, Timestamp, utc_now

Money = Numeric(15, 2, asdecimal=False)


def _created() -> Mapped[dt.datetime]:
    return mapped_column(Timestamp, default=utc_now)


def _nullable_time() -> Mapped[dt.datetime | None]:
    return mapped_column(Timestamp)


def _int0() -> Mapped[int]:
    return mapped_column(Integer, default=0, server_default=text("0"))


def _flag() -> Mapped[int]:
    return mapped_column(SmallInteger, default=0, server_default=text("0"))


class _Tenant:
    """Adds the tenant column and an index that serves "this company's rows, by id" scans."""

    __wire_pk__: str

    @declared_attr
    def company_id(cls) -> Mapped[int]:
        return mapped_column(ForeignKey("companies.id"))

    @declared_attr.directive
    def __table_args__(cls) -> tuple[Index, ...]:
        table = cls.__tablename__  # type: ignore[attr-defined]
        return (Index(f"ix_{table}_company_pk", "company_id", cls.__wire_pk__),)


class ITFlowSettings(Base):
    """Per-company ITFlow configuration: ticket numbering and the sealed credential data key."""

    __tablename__ = "itflow_settings"

    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id"), primary_key=True)
    ticket_prefix: Mapped[str] = mapped_column(String(200), default="TCK-")
    ticket_next_number: Mapped[int] = mapped_column(Integer, default=1)
    # The company's data key for stored credentials, sealed under the server secret so that new API
    # keys can be issued; the API itself only ever opens it with a key's decrypt password.
    sealed_data_key: Mapped[str] = mapped_column(Text)


class ITFlowApiKey(Base):
    """The ITFlow side of an API credential: client scope and the data key sealed for this key."""

    __tablename__ = "itflow_api_keys"

    credential_id: Mapped[int] = mapped_column(ForeignKey("api_credentials.id"), primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id"), index=True)
    # None: all clients. Otherwise the one client this key reads and writes.
    client_id: Mapped[int | None] = mapped_column(Integer)
    # The company's credential data key, sealed under this key's decrypt password.
    sealed_data_key: Mapped[str] = mapped_column(Text)


class Client(_Tenant, Base):
    __tablename__ = "itflow_clients"
    __wire_pk__ = "client_id"

    client_id: Mapped[int] = mapped_column(primary_key=True)
    client_lead: Mapped[int] = _flag()
    client_name: Mapped[str] = mapped_column(String(200))
    client_type: Mapped[str | None] = mapped_column(String(200))
    client_website: Mapped[str | None] = mapped_column(String(200))
    client_referral: Mapped[str | None] = mapped_column(String(200))
    client_rate: Mapped[float | None] = mapped_column(Money)
    client_currency_code: Mapped[str] = mapped_column(String(200), default="")
    client_net_terms: Mapped[int] = _int0()
    client_tax_id_number: Mapped[str | None] = mapped_column(String(255))
    client_abbreviation: Mapped[str | None] = mapped_column(String(10))
    client_notes: Mapped[str | None] = mapped_column(Text)
    client_favorite: Mapped[int] = _flag()
    client_created_at: Mapped[dt.datetime] = _created()
    client_updated_at: Mapped[dt.datetime | None] = _nullable_time()
    client_archived_at: Mapped[dt.datetime | None] = _nullable_time()
    client_accessed_at: Mapped[dt.datetime | None] = _nullable_time()


class Contact(_Tenant, Base):
    __tablename__ = "itflow_contacts"
    __wire_pk__ = "contact_id"

    contact_id: Mapped[int] = mapped_column(primary_key=True)
    contact_name: Mapped[str] = mapped_column(String(200))
    contact_title: Mapped[str | None] = mapped_column(String(200))
    contact_email: Mapped[str | None] = mapped_column(String(200))
    contact_phone_country_code: Mapped[str | None] = mapped_column(String(10))
    contact_phone: Mapped[str | None] = mapped_column(String(200))
    contact_extension: Mapped[str | None] = mapped_column(String(200))
    contact_mobile_country_code: Mapped[str | None] = mapped_column(String(10))
    contact_mobile: Mapped[str | None] = mapped_column(String(200))
    contact_photo: Mapped[str | None] = mapped_column(String(200))
    contact_pin: Mapped[str | None] = mapped_column(String(255))
    contact_notes: Mapped[str | None] = mapped_column(Text)
    contact_primary: Mapped[int] = _flag()
    contact_important: Mapped[int] = _flag()
    contact_billing: Mapped[int | None] = _flag()
    contact_technical: Mapped[int | None] = _flag()
    contact_created_at: Mapped[dt.datetime] = _created()
    contact_updated_at: Mapped[dt.datetime | None] = _nullable_time()
    contact_archived_at: Mapped[dt.datetime | None] = _nullable_time()
    contact_accessed_at: Mapped[dt.datetime | None] = _nullable_time()
    contact_location_id: Mapped[int] = _int0()
    contact_vendor_id: Mapped[int] = _int0()
    contact_user_id: Mapped[int] = _int0()
    contact_department: Mapped[str | None] = mapped_column(String(200))
    contact_client_id: Mapped[int] = _int0()


Index(
    "ux_itflow_contacts_client_email",
    Contact.company_id,
    Contact.contact_client_id,
    text("lower(contact_email)"),
    unique=True,
)
Index("ix_itflow_contacts_email", Contact.company_id, text("lower(contact_email)"))


class Asset(_Tenant, Base):
    __tablename__ = "itflow_assets"
    __wire_pk__ = "asset_id"

    asset_id: Mapped[int] = mapped_column(primary_key=True)
    asset_type: Mapped[str] = mapped_column(String(200), default="")
    asset_name: Mapped[str] = mapped_column(String(200))
    asset_description: Mapped[str | None] = mapped_column(String(255))
    asset_make: Mapped[str] = mapped_column(String(200), default="")
    asset_model: Mapped[str | None] = mapped_column(String(200))
    asset_serial: Mapped[str | None] = mapped_column(String(200))
    asset_os: Mapped[str | None] = mapped_column(String(200))
    asset_uri: Mapped[str | None] = mapped_column(String(500))
    asset_uri_2: Mapped[str | None] = mapped_column(String(500))
    asset_uri_client: Mapped[str | None] = mapped_column(String(500))
    asset_status: Mapped[str | None] = mapped_column(String(200))
    asset_purchase_reference: Mapped[str | None] = mapped_column(String(200))
    asset_purchase_date: Mapped[dt.date | None] = mapped_column(CalendarDate)
    asset_warranty_expire: Mapped[dt.date | None] = mapped_column(CalendarDate)
    asset_install_date: Mapped[dt.date | None] = mapped_column(CalendarDate)
    asset_photo: Mapped[str | None] = mapped_column(String(200))
    asset_physical_location: Mapped[str | None] = mapped_column(String(200))
    asset_notes: Mapped[str | None] = mapped_column(Text)
    asset_favorite: Mapped[int] = _flag()
    asset_created_at: Mapped[dt.datetime] = _created()
    asset_updated_at: Mapped[dt.datetime | None] = _nullable_time()
    asset_archived_at: Mapped[dt.datetime | None] = _nullable_time()
    asset_accessed_at: Mapped[dt.datetime | None] = _nullable_time()
    asset_vendor_id: Mapped[int] = _int0()
    asset_location_id: Mapped[int] = _int0()
    asset_contact_id: Mapped[int] = _int0()
    asset_client_id: Mapped[int] = _int0()


Index("ix_itflow_assets_serial", Asset.company_id, Asset.asset_serial)
Index("ix_itflow_assets_client", Asset.company_id, Asset.asset_client_id, Asset.asset_id)


class AssetInterface(_Tenant, Base):
    __tablename__ = "itflow_asset_interfaces"
    __wire_pk__ = "interface_id"

    interface_id: Mapped[int] = mapped_column(primary_key=True)
    interface_name: Mapped[str] = mapped_column(String(200))
    interface_description: Mapped[str | None] = mapped_column(String(200))
    interface_type: Mapped[str | None] = mapped_column(String(50))
    interface_mac: Mapped[str | None] = mapped_column(String(200))
    interface_ip: Mapped[str | None] = mapped_column(String(200))
    interface_nat_ip: Mapped[str | None] = mapped_column(String(200))
    interface_ipv6: Mapped[str | None] = mapped_column(String(200))
    interface_notes: Mapped[str | None] = mapped_column(Text)
    interface_primary: Mapped[int | None] = _flag()
    interface_created_at: Mapped[dt.datetime] = _created()
    interface_updated_at: Mapped[dt.datetime | None] = _nullable_time()
    interface_archived_at: Mapped[dt.datetime | None] = _nullable_time()
    interface_network_id: Mapped[int | None] = mapped_column(Integer)
    interface_asset_id: Mapped[int] = mapped_column(
        ForeignKey("itflow_assets.asset_id", ondelete="CASCADE"), index=True
    )


class Certificate(_Tenant, Base):
    __tablename__ = "itflow_certificates"
    __wire_pk__ = "certificate_id"

    certificate_id: Mapped[int] = mapped_column(primary_key=True)
    certificate_name: Mapped[str] = mapped_column(String(200))
    certificate_description: Mapped[str | None] = mapped_column(Text)
    certificate_domain: Mapped[str | None] = mapped_column(String(200))
    certificate_issued_by: Mapped[str] = mapped_column(String(200), default="")
    certificate_expire: Mapped[dt.date | None] = mapped_column(CalendarDate)
    certificate_public_key: Mapped[str | None] = mapped_column(Text)
    certificate_notes: Mapped[str | None] = mapped_column(Text)
    certificate_favorite: Mapped[int] = _flag()
    certificate_created_at: Mapped[dt.datetime] = _created()
    certificate_updated_at: Mapped[dt.datetime | None] = _nullable_time()
    certificate_archived_at: Mapped[dt.datetime | None] = _nullable_time()
    certificate_accessed_at: Mapped[dt.datetime | None] = _nullable_time()
    certificate_domain_id: Mapped[int] = _int0()
    certificate_client_id: Mapped[int] = _int0()


class Credential(_Tenant, Base):
    __tablename__ = "itflow_credentials"
    __wire_pk__ = "credential_id"

    credential_id: Mapped[int] = mapped_column(primary_key=True)
    credential_name: Mapped[str] = mapped_column(String(200))
    credential_description: Mapped[str | None] = mapped_column(String(500))
    credential_category: Mapped[str | None] = mapped_column(String(200))
    credential_uri: Mapped[str | None] = mapped_column(String(500))
    credential_uri_2: Mapped[str | None] = mapped_column(String(500))
    # Username and password are stored sealed (AES-256-GCM); the wire only ever sees them decrypted.
    credential_username: Mapped[str | None] = mapped_column(Text)
    credential_password: Mapped[str | None] = mapped_column(Text)
    credential_otp_secret: Mapped[str | None] = mapped_column(String(200))
    credential_note: Mapped[str | None] = mapped_column(Text)
    credential_favorite: Mapped[int] = _flag()
    credential_created_at: Mapped[dt.datetime] = _created()
    credential_updated_at: Mapped[dt.datetime | None] = _nullable_time()
    credential_archived_at: Mapped[dt.datetime | None] = _nullable_time()
    credential_accessed_at: Mapped[dt.datetime | None] = _nullable_time()
    credential_password_changed_at: Mapped[dt.datetime | None] = mapped_column(Timestamp, default=utc_now)
    credential_folder_id: Mapped[int] = _int0()
    credential_contact_id: Mapped[int] = _int0()
    credential_asset_id: Mapped[int] = _int0()
    credential_client_id: Mapped[int] = _int0()


class Domain(_Tenant, Base):
    __tablename__ = "itflow_domains"
    __wire_pk__ = "domain_id"

    domain_id: Mapped[int] = mapped_column(primary_key=True)
    domain_name: Mapped[str] = mapped_column(String(200))
    domain_description: Mapped[str | None] = mapped_column(Text)
    domain_expire: Mapped[dt.date | None] = mapped_column(CalendarDate)
    domain_ip: Mapped[str | None] = mapped_column(String(255))
    domain_name_servers: Mapped[str | None] = mapped_column(String(255))
    domain_mail_servers: Mapped[str | None] = mapped_column(String(255))
    domain_txt: Mapped[str | None] = mapped_column(Text)
    domain_raw_whois: Mapped[str | None] = mapped_column(Text)
    domain_notes: Mapped[str | None] = mapped_column(Text)
    domain_favorite: Mapped[int] = _flag()
    domain_created_at: Mapped[dt.datetime] = _created()
    domain_updated_at: Mapped[dt.datetime | None] = _nullable_time()
    domain_archived_at: Mapped[dt.datetime | None] = _nullable_time()
    domain_accessed_at: Mapped[dt.datetime | None] = _nullable_time()
    domain_registrar: Mapped[int] = _int0()
    domain_webhost: Mapped[int] = _int0()
    domain_dnshost: Mapped[int] = _int0()
    domain_mailhost: Mapped[int] = _int0()
    domain_client_id: Mapped[int] = _int0()


class Network(_Tenant, Base):
    __tablename__ = "itflow_networks"
    __wire_pk__ = "network_id"

    network_id: Mapped[int] = mapped_column(primary_key=True)
    network_name: Mapped[str] = mapped_column(String(200))
    network_description: Mapped[str | None] = mapped_column(Text)
    network_vlan: Mapped[int | None] = mapped_column(Integer)
    network: Mapped[str] = mapped_column(String(200), default="")
    network_subnet: Mapped[str | None] = mapped_column(String(200))
    network_gateway: Mapped[str] = mapped_column(String(200), default="")
    network_primary_dns: Mapped[str | None] = mapped_column(String(200))
    network_secondary_dns: Mapped[str | None] = mapped_column(String(200))
    network_dhcp_range: Mapped[str | None] = mapped_column(String(200))
    network_notes: Mapped[str | None] = mapped_column(Text)
    network_favorite: Mapped[int] = _flag()
    network_created_at: Mapped[dt.datetime] = _created()
    network_updated_at: Mapped[dt.datetime | None] = _nullable_time()
    network_archived_at: Mapped[dt.datetime | None] = _nullable_time()
    network_accessed_at: Mapped[dt.datetime | None] = _nullable_time()
    network_location_id: Mapped[int] = _int0()
    network_client_id: Mapped[int] = _int0()


class Software(_Tenant, Base):
    __tablename__ = "itflow_software"
    __wire_pk__ = "software_id"

    software_id: Mapped[int] = mapped_column(primary_key=True)
    software_name: Mapped[str] = mapped_column(String(200))
    software_description: Mapped[str | None] = mapped_column(Text)
    software_version: Mapped[str | None] = mapped_column(String(200))
    software_type: Mapped[str] = mapped_column(String(200), default="")
    software_license_type: Mapped[str | None] = mapped_column(String(200))
    software_key: Mapped[str | None] = mapped_column(String(200))
    software_seats: Mapped[int | None] = mapped_column(Integer)
    software_purchase_reference: Mapped[str | None] = mapped_column(String(200))
    software_purchase: Mapped[dt.date | None] = mapped_column(CalendarDate)
    software_expire: Mapped[dt.date | None] = mapped_column(CalendarDate)
    software_notes: Mapped[str | None] = mapped_column(Text)
    software_favorite: Mapped[int] = _flag()
    software_created_at: Mapped[dt.datetime] = _created()
    software_updated_at: Mapped[dt.datetime | None] = _nullable_time()
    software_archived_at: Mapped[dt.datetime | None] = _nullable_time()
    software_accessed_at: Mapped[dt.datetime | None] = _nullable_time()
    software_vendor_id: Mapped[int | None] = _int0()
    software_client_id: Mapped[int] = _int0()


class TicketStatus(Base):
    """Per-company ticket statuses; ids 1-5 are seeded (New, Open, On Hold, Resolved, Closed)."""

    __tablename__ = "itflow_ticket_statuses"

    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id"), primary_key=True)
    ticket_status_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    ticket_status_name: Mapped[str] = mapped_column(String(200))
    ticket_status_color: Mapped[str] = mapped_column(String(200))
    ticket_status_active: Mapped[int] = mapped_column(SmallInteger, default=1)
    ticket_status_pauses_sla: Mapped[int] = _flag()
    ticket_status_order: Mapped[int] = _int0()


class Ticket(_Tenant, Base):
    __tablename__ = "itflow_tickets"
    __wire_pk__ = "ticket_id"

    ticket_id: Mapped[int] = mapped_column(primary_key=True)
    ticket_prefix: Mapped[str | None] = mapped_column(String(200))
    ticket_number: Mapped[int] = mapped_column(Integer)
    ticket_source: Mapped[str | None] = mapped_column(String(255))
    ticket_category: Mapped[str | None] = mapped_column(String(200))
    ticket_subject: Mapped[str] = mapped_column(String(500))
    ticket_details: Mapped[str] = mapped_column(Text, default="")
    ticket_priority: Mapped[str | None] = mapped_column(String(200))
    ticket_status: Mapped[int] = mapped_column(Integer, default=1)
    ticket_sla_id: Mapped[int] = _int0()
    ticket_billable: Mapped[int] = _flag()
    ticket_schedule: Mapped[dt.datetime | None] = _nullable_time()
    ticket_onsite: Mapped[int] = _flag()
    ticket_vendor_ticket_number: Mapped[str | None] = mapped_column(String(255))
    ticket_feedback: Mapped[str | None] = mapped_column(String(200))
    ticket_url_key: Mapped[str | None] = mapped_column(String(200))
    ticket_created_at: Mapped[dt.datetime] = _created()
    ticket_updated_at: Mapped[dt.datetime | None] = _nullable_time()
    ticket_due_at: Mapped[dt.datetime | None] = _nullable_time()
    ticket_resolved_at: Mapped[dt.datetime | None] = _nullable_time()
    ticket_archived_at: Mapped[dt.datetime | None] = _nullable_time()
    ticket_first_response_at: Mapped[dt.datetime | None] = _nullable_time()
    ticket_response_due_at: Mapped[dt.datetime | None] = _nullable_time()
    ticket_resolution_due_at: Mapped[dt.datetime | None] = _nullable_time()
    ticket_response_sla_met: Mapped[int | None] = mapped_column(SmallInteger)
    ticket_resolution_sla_met: Mapped[int | None] = mapped_column(SmallInteger)
    ticket_response_sla_alert_stage: Mapped[int] = _flag()
    ticket_resolution_sla_alert_stage: Mapped[int] = _flag()
    ticket_closed_at: Mapped[dt.datetime | None] = _nullable_time()
    ticket_created_by: Mapped[int] = _int0()
    ticket_assigned_to: Mapped[int] = _int0()
    ticket_closed_by: Mapped[int] = _int0()
    ticket_vendor_id: Mapped[int] = _int0()
    ticket_client_id: Mapped[int] = _int0()
    ticket_contact_id: Mapped[int] = _int0()
    ticket_location_id: Mapped[int] = _int0()
    ticket_asset_id: Mapped[int] = _int0()
    ticket_quote_id: Mapped[int] = _int0()
    ticket_invoice_id: Mapped[int] = _int0()
    ticket_project_id: Mapped[int] = _int0()
    ticket_recurring_ticket_id: Mapped[int | None] = _int0()
    ticket_order: Mapped[int] = _int0()


Index("ux_itflow_tickets_number", Ticket.company_id, Ticket.ticket_number, unique=True)
# A client's tickets: the API's `client_id` reads, the console's client page and its open-ticket counts.
Index("ix_itflow_tickets_client", Ticket.company_id, Ticket.ticket_client_id, Ticket.ticket_id)


class TicketReply(_Tenant, Base):
    __tablename__ = "itflow_ticket_replies"
    __wire_pk__ = "ticket_reply_id"

    ticket_reply_id: Mapped[int] = mapped_column(primary_key=True)
    ticket_reply: Mapped[str] = mapped_column(Text)
    ticket_reply_type: Mapped[str] = mapped_column(String(10))
    ticket_reply_time_worked: Mapped[dt.time | None] = mapped_column(ClockTime)
    ticket_reply_created_at: Mapped[dt.datetime] = _created()
    ticket_reply_updated_at: Mapped[dt.datetime | None] = _nullable_time()
    ticket_reply_archived_at: Mapped[dt.datetime | None] = _nullable_time()
    # The credential that wrote the reply (the original stores the key's user id here).
    ticket_reply_by: Mapped[int] = _int0()
    ticket_reply_ticket_id: Mapped[int] = mapped_column(
        ForeignKey("itflow_tickets.ticket_id", ondelete="CASCADE"), index=True
    )


class Location(_Tenant, Base):
    __tablename__ = "itflow_locations"
    __wire_pk__ = "location_id"

    location_id: Mapped[int] = mapped_column(primary_key=True)
    location_name: Mapped[str] = mapped_column(String(200))
    location_description: Mapped[str | None] = mapped_column(Text)
    location_country: Mapped[str | None] = mapped_column(String(200))
    location_address: Mapped[str | None] = mapped_column(String(200))
    location_city: Mapped[str | None] = mapped_column(String(200))
    location_state: Mapped[str | None] = mapped_column(String(200))
    location_zip: Mapped[str | None] = mapped_column(String(200))
    location_phone_country_code: Mapped[str | None] = mapped_column(String(10))
    location_phone: Mapped[str | None] = mapped_column(String(200))
    location_phone_extension: Mapped[str | None] = mapped_column(String(10))
    location_fax_country_code: Mapped[str | None] = mapped_column(String(10))
    location_fax: Mapped[str | None] = mapped_column(String(200))
    location_hours: Mapped[str | None] = mapped_column(String(200))
    location_photo: Mapped[str | None] = mapped_column(String(200))
    location_primary: Mapped[int] = _flag()
    location_notes: Mapped[str | None] = mapped_column(Text)
    location_favorite: Mapped[int] = _flag()
    location_created_at: Mapped[dt.datetime] = _created()
    location_updated_at: Mapped[dt.datetime | None] = _nullable_time()
    location_archived_at: Mapped[dt.datetime | None] = _nullable_time()
    location_accessed_at: Mapped[dt.datetime | None] = _nullable_time()
    location_contact_id: Mapped[int] = _int0()
    location_client_id: Mapped[int] = _int0()


class Vendor(_Tenant, Base):
    __tablename__ = "itflow_vendors"
    __wire_pk__ = "vendor_id"

    vendor_id: Mapped[int] = mapped_column(primary_key=True)
    vendor_name: Mapped[str] = mapped_column(String(200))
    vendor_description: Mapped[str | None] = mapped_column(String(200))
    vendor_contact_name: Mapped[str | None] = mapped_column(String(200))
    vendor_phone_country_code: Mapped[str | None] = mapped_column(String(10))
    vendor_phone: Mapped[str | None] = mapped_column(String(200))
    vendor_extension: Mapped[str | None] = mapped_column(String(200))
    vendor_email: Mapped[str | None] = mapped_column(String(200))
    vendor_website: Mapped[str | None] = mapped_column(String(200))
    vendor_hours: Mapped[str | None] = mapped_column(String(200))
    vendor_sla: Mapped[str | None] = mapped_column(String(200))
    vendor_code: Mapped[str | None] = mapped_column(String(200))
    vendor_account_number: Mapped[str | None] = mapped_column(String(200))
    vendor_notes: Mapped[str | None] = mapped_column(Text)
    vendor_favorite: Mapped[int] = _flag()
    vendor_created_at: Mapped[dt.datetime] = _created()
    vendor_updated_at: Mapped[dt.datetime | None] = _nullable_time()
    vendor_archived_at: Mapped[dt.datetime | None] = _nullable_time()
    vendor_accessed_at: Mapped[dt.datetime | None] = _nullable_time()
    vendor_client_id: Mapped[int] = _int0()
    vendor_template_id: Mapped[int] = _int0()


class Invoice(_Tenant, Base):
    __tablename__ = "itflow_invoices"
    __wire_pk__ = "invoice_id"

    invoice_id: Mapped[int] = mapped_column(primary_key=True)
    invoice_prefix: Mapped[str | None] = mapped_column(String(200))
    invoice_number: Mapped[int] = mapped_column(Integer)
    invoice_scope: Mapped[str | None] = mapped_column(String(255))
    invoice_status: Mapped[str] = mapped_column(String(200))
    invoice_date: Mapped[dt.date] = mapped_column(CalendarDate)
    invoice_due: Mapped[dt.date] = mapped_column(CalendarDate)
    invoice_discount_amount: Mapped[float] = mapped_column(Money, default=0)
    invoice_credit_amount: Mapped[float] = mapped_column(Money, default=0)
    invoice_amount: Mapped[float] = mapped_column(Money, default=0)
    invoice_currency_code: Mapped[str] = mapped_column(String(200))
    invoice_note: Mapped[str | None] = mapped_column(Text)
    invoice_url_key: Mapped[str | None] = mapped_column(String(200))
    invoice_created_at: Mapped[dt.datetime] = _created()
    invoice_updated_at: Mapped[dt.datetime | None] = _nullable_time()
    invoice_archived_at: Mapped[dt.datetime | None] = _nullable_time()
    invoice_category_id: Mapped[int] = _int0()
    invoice_recurring_invoice_id: Mapped[int] = _int0()
    invoice_client_id: Mapped[int] = _int0()


class Payment(_Tenant, Base):
    __tablename__ = "itflow_payments"
    __wire_pk__ = "payment_id"

    payment_id: Mapped[int] = mapped_column(primary_key=True)
    payment_date: Mapped[dt.date] = mapped_column(CalendarDate)
    payment_amount: Mapped[float] = mapped_column(Money)
    payment_currency_code: Mapped[str] = mapped_column(String(10))
    payment_method: Mapped[str | None] = mapped_column(String(200))
    payment_reference: Mapped[str | None] = mapped_column(String(200))
    payment_created_at: Mapped[dt.datetime] = _created()
    payment_updated_at: Mapped[dt.datetime | None] = _nullable_time()
    payment_archived_at: Mapped[dt.datetime | None] = _nullable_time()
    payment_account_id: Mapped[int] = _int0()
    payment_invoice_id: Mapped[int] = _int0()
