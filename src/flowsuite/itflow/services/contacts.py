"""contacts: the people of a client. One e-mail address per client, and at most one primary contact."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, String, func, or_, select, update
from sqlalchemy.orm import Session

from flowsuite.core.db import utc_now
from flowsuite.itflow import models
from flowsuite.itflow.commands import RecordWrite
from flowsuite.itflow.context import Scope
from flowsuite.itflow.errors import OperationFailed
from flowsuite.itflow.resources import Field, ReadFilter, Resource, digits_only, filter_value_param

PHONE_OR_MOBILE = "contact_phone_or_mobile"
_CONTACTS = models.Contact.__table__


class ContactsResource(Resource):
    def global_rows_visible(self) -> bool:
        # Every contact written here has a client; client 0 holds vendors' contacts, which are not a
        # client's to see.
        return False

    def filter_value(self, read_filter: ReadFilter, value: str) -> Any:
        if read_filter.param == PHONE_OR_MOBILE:
            # Numbers are stored as digits only. A value without digits names nobody: None binds NULL,
            # which equals no number (the original matched the first contact without a mobile).
            return digits_only(value) or None
        return value

    def filter_condition(self, read_filter: ReadFilter) -> ColumnElement[bool]:
        if read_filter.param == PHONE_OR_MOBILE:
            # Both branches sit under the same scope condition (the original scoped the phone only).
            number = filter_value_param(String())
            return or_(_CONTACTS.c.contact_phone == number, _CONTACTS.c.contact_mobile == number)
        return super().filter_condition(read_filter)

    def before_create(self, session: Session, scope: Scope, values: dict[str, Any], command: RecordWrite) -> None:
        client_id = values["contact_client_id"]
        self.refuse_taken_email(session, scope, client_id, values["contact_email"], None)
        if values["contact_primary"]:
            self.reset_primary(session, scope, client_id, None)

    def before_update(
        self, session: Session, scope: Scope, row: Any, values: dict[str, Any], command: RecordWrite
    ) -> None:
        email = values.get("contact_email")
        if email is not None and email.lower() != (row.contact_email or "").lower():
            self.refuse_taken_email(session, scope, row.contact_client_id, email, row.contact_id)
        # Runs after load_for_write found the contact: a bad id no longer clears the client's primary.
        if values.get("contact_primary"):
            self.reset_primary(session, scope, row.contact_client_id, row.contact_id)

    def refuse_taken_email(
        self, session: Session, scope: Scope, client_id: int, email: str, contact_id: int | None
    ) -> None:
        """OperationFailed if another contact of the client (archived ones too) has this e-mail.

        The unique index ux_itflow_contacts_client_email settles concurrent writers: the loser's
        IntegrityError is answered with the same failure message.
        """
        taken = session.scalar(
            select(models.Contact.contact_id).where(
                models.Contact.company_id == scope.company_id,
                models.Contact.contact_client_id == client_id,
                func.lower(models.Contact.contact_email) == email.lower(),
                models.Contact.contact_id != (contact_id or 0),
            )
        )
        if taken is not None:
            raise OperationFailed(f"contact {taken} of client {client_id} already has this e-mail")

    def reset_primary(self, session: Session, scope: Scope, client_id: int, keep: int | None) -> None:
        """Makes every other contact of the client non-primary, so the one being written is the only one."""
        session.execute(
            update(models.Contact)
            .where(
                models.Contact.company_id == scope.company_id,
                models.Contact.contact_client_id == client_id,
                models.Contact.contact_primary != 0,
                models.Contact.contact_id != (keep or 0),
            )
            .values(contact_primary=0, contact_updated_at=utc_now()),
            execution_options={"synchronize_session": False},
        )

    def on_archive(self, session: Session, scope: Scope, row: Any, archived: bool) -> None:
        # As the original: an archived contact stops being important, billing or technical; unarchiving
        # does not bring the flags back, and the primary flag is left alone.
        if archived:
            row.contact_important = 0
            row.contact_billing = 0
            row.contact_technical = 0


contacts = ContactsResource(
    name="contacts",
    model=models.Contact,
    pk="contact_id",
    client_column="contact_client_id",
    entity="contact",
    archivable=True,
    fields=(
        Field("contact_name", "contact_name", required=True),
        Field("contact_title", "contact_title"),
        Field("contact_department", "contact_department"),
        Field("contact_email", "contact_email", required=True),
        Field("contact_phone", "contact_phone", "digits"),
        Field("contact_extension", "contact_extension", "digits"),
        Field("contact_mobile", "contact_mobile", "digits"),
        Field("contact_notes", "contact_notes"),
        Field("contact_primary", "contact_primary", "flag"),
        Field("contact_important", "contact_important", "flag"),
        Field("contact_billing", "contact_billing", "flag"),
        Field("contact_technical", "contact_technical", "flag"),
        Field("contact_location_id", "contact_location_id", "int"),
    ),
    read_filters=(
        ReadFilter("contact_id", "contact_id", by_id=True),
        ReadFilter("contact_email", "contact_email"),
        ReadFilter(PHONE_OR_MOBILE, "contact_phone", first_only=True),
    ),
)
