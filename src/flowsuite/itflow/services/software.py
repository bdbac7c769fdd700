"""software: a client's software and licenses.

The original's read filters are broken (key reads another parameter, name always fails, type is cast to
a number); here each filters on its own column as text.
"""

from __future__ import annotations

from flowsuite.itflow import models
from flowsuite.itflow.resources import Field, ReadFilter, Resource

software = Resource(
    name="software",
    model=models.Software,
    pk="software_id",
    client_column="software_client_id",
    entity="software",
    fields=(
        Field("software_name", "software_name", required=True),
        Field("software_description", "software_description"),
        Field("software_version", "software_version"),
        Field("software_type", "software_type"),
        Field("software_license_type", "software_license_type"),
        Field("software_key", "software_key"),
        Field("software_seats", "software_seats", "int"),
        Field("software_purchase_reference", "software_purchase_reference"),
        Field("software_purchase", "software_purchase", "date"),
        Field("software_expire", "software_expire", "date"),
        Field("software_notes", "software_notes"),
        Field("software_favorite", "software_favorite", "flag"),
        Field("software_vendor_id", "software_vendor_id", "int"),
    ),
    read_filters=(
        ReadFilter("software_id", "software_id", by_id=True),
        ReadFilter("software_key", "software_key"),
        ReadFilter("software_name", "software_name"),
        ReadFilter("software_type", "software_type"),
    ),
)
