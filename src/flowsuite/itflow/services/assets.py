"""assets: a client's devices, each with a primary network interface that holds its MAC, IP and network.

The API shows `asset_mac`, `asset_ip` and `asset_network_id` as if they were the asset's own, but they
live on the asset's primary row in `asset_interfaces` (name '1', primary 1), as in the original.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import FromClause, Table, and_, select
from sqlalchemy.orm import Session

from flowsuite.core.db import utc_now
from flowsuite.core.wiretext import wire_text
from flowsuite.itflow import models
from flowsuite.itflow.commands import ColumnValue, RecordWrite
from flowsuite.itflow.context import Scope
from flowsuite.itflow.resources import Field, ReadFilter, Resource, assign

INTERFACES: Table = models.AssetInterface.__table__  # type: ignore[assignment]

# The body fields that describe the primary interface, and the interface columns they fill (a write's
# `related` values).
PRIMARY_INTERFACE_FIELDS = (
    Field("asset_mac", "interface_mac"),
    Field("asset_ip", "interface_ip"),
    Field("asset_network_id", "interface_network_id", "int"),
)

BY_MAC = ReadFilter("asset_mac", "interface_mac")


class AssetsResource(Resource):
    # ---- reads -------------------------------------------------------------------------------

    def source(self, dialect: str, read_filter: ReadFilter | None) -> tuple[FromClause, list[Any]]:
        """Assets alone for most filters; with the primary interface's columns for the list and by MAC.

        The list LEFT JOINs (assets without a primary interface show null interface keys); the MAC
        filter needs the interface, so it joins inner.
        """
        assets, columns = super().source(dialect, read_filter)
        if read_filter is not None and read_filter != BY_MAC:
            return assets, columns
        primary = and_(
            INTERFACES.c.interface_asset_id == self.table.c.asset_id,
            INTERFACES.c.interface_primary == 1,
        )
        joined = self.table.join(INTERFACES, primary, isouter=read_filter is None)
        interface_columns = [wire_text(c, dialect).label(c.name) for c in self.wire_columns(INTERFACES)]
        return joined, columns + interface_columns

    def page_before_join(self, read_filter: ReadFilter | None) -> bool:
        # The list filters on assets alone; the interface only adds columns.
        return read_filter is None

    def filter_column(self, read_filter: ReadFilter) -> Any:
        if read_filter == BY_MAC:
            return INTERFACES.c.interface_mac
        return super().filter_column(read_filter)

    def filter_value(self, read_filter: ReadFilter, value: str) -> Any:
        # The original upper-cases the type's first letter (PHP ucfirst); the match ignores case anyway.
        if read_filter.param == "asset_type":
            return value[:1].upper() + value[1:]
        return value

    # ---- writes ------------------------------------------------------------------------------

    def body_fields(self) -> tuple[Field, ...]:
        return (*self.fields, *PRIMARY_INTERFACE_FIELDS)

    def column_length(self, column: str) -> int | None:
        table = INTERFACES if column.startswith("interface_") else self.table
        return getattr(table.c[column].type, "length", None)

    def after_create(self, session: Session, scope: Scope, row: Any, command: RecordWrite) -> None:
        """Every asset made through the API gets its primary interface, even with nothing sent for it."""
        add_primary_interface(session, scope, row.asset_id, command.related)

    def before_update(
        self, session: Session, scope: Scope, row: Any, values: dict[str, Any], command: RecordWrite
    ) -> None:
        """Changes only the interface fields that were sent (the original blanks the others)."""
        sent = dict(command.related)
        if not sent:
            return
        interface = session.scalar(
            select(models.AssetInterface)
            .where(
                models.AssetInterface.company_id == scope.company_id,
                models.AssetInterface.interface_asset_id == row.asset_id,
                models.AssetInterface.interface_primary == 1,
            )
            .order_by(models.AssetInterface.interface_id)
            .limit(1)
        )
        if interface is None:
            add_primary_interface(session, scope, row.asset_id, sent)
        elif assign(interface, sent):
            interface.interface_updated_at = utc_now()


def add_primary_interface(session: Session, scope: Scope, asset_id: int, sent: Mapping[str, ColumnValue]) -> None:
    """Adds the asset's primary interface as the original makes it: named '1', MAC/IP '', network 0 unless sent."""
    values = {**{spec.column: spec.create_default() for spec in PRIMARY_INTERFACE_FIELDS}, **sent}
    session.add(
        models.AssetInterface(
            company_id=scope.company_id,
            interface_name="1",
            interface_primary=1,
            interface_asset_id=asset_id,
            **values,
        )
    )


assets = AssetsResource(
    name="assets",
    model=models.Asset,
    pk="asset_id",
    client_column="asset_client_id",
    entity="asset",
    fields=(
        Field("asset_name", "asset_name", required=True),
        Field("asset_description", "asset_description"),
        Field("asset_type", "asset_type"),
        Field("asset_make", "asset_make"),
        Field("asset_model", "asset_model"),
        Field("asset_serial", "asset_serial"),
        Field("asset_os", "asset_os"),
        Field("asset_uri", "asset_uri"),
        # The original ignores asset_uri_2 on create; flowsuite stores it.
        Field("asset_uri_2", "asset_uri_2"),
        Field("asset_status", "asset_status"),
        Field("asset_purchase_reference", "asset_purchase_reference"),
        Field("asset_purchase_date", "asset_purchase_date", "date"),
        Field("asset_warranty_expire", "asset_warranty_expire", "date"),
        Field("asset_install_date", "asset_install_date", "date"),
        Field("asset_physical_location", "asset_physical_location"),
        Field("asset_notes", "asset_notes"),
        Field("asset_vendor_id", "asset_vendor_id", "int"),
        Field("asset_location_id", "asset_location_id", "int"),
        Field("asset_contact_id", "asset_contact_id", "int"),
    ),
    read_filters=(
        ReadFilter("asset_id", "asset_id", by_id=True),
        ReadFilter("asset_type", "asset_type"),
        ReadFilter("asset_name", "asset_name"),
        ReadFilter("asset_serial", "asset_serial"),
        BY_MAC,
        ReadFilter("asset_uri", "asset_uri"),
        ReadFilter("asset_uri_2", "asset_uri_2"),
    ),
)
