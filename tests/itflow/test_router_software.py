"""software/*.php at the HTTP level: the shared contract, and the read filters the original gets wrong."""

from __future__ import annotations

import httpx

from flowsuite.itflow import models
from tests.itflow.contract import NO_RESOURCE, Invalid, Module, ModuleContract, create, ids_of, read
from tests.itflow.factories import Tenant

SOFTWARE = Module(
    name="software",
    model=models.Software,
    pk="software_id",
    client_column="software_client_id",
    columns=(
        "software_id",
        "software_name",
        "software_description",
        "software_version",
        "software_type",
        "software_license_type",
        "software_key",
        "software_seats",
        "software_purchase_reference",
        "software_purchase",
        "software_expire",
        "software_notes",
        "software_favorite",
        "software_created_at",
        "software_updated_at",
        "software_archived_at",
        "software_accessed_at",
        "software_vendor_id",
        "software_client_id",
    ),
    required={"software_name": "Office"},
    create_defaults={
        "software_description": "",
        "software_type": "",
        "software_key": "",
        "software_seats": "0",
        "software_purchase": None,
        "software_expire": None,
        "software_favorite": "0",
        "software_vendor_id": "0",
    },
    every_field={
        "software_name": "Microsoft 365 Business",
        "software_description": "Mail and Office apps",
        "software_version": "2408",
        "software_type": "SaaS",
        "software_license_type": "Subscription",
        "software_key": "ABCDE-12345-FGHIJ",
        "software_seats": 25,
        "software_purchase_reference": "INV-2024-17",
        "software_purchase": "2024-03-01",
        "software_expire": "2025-03-01",
        "software_notes": "<ul><li>annual</li></ul>",
        "software_favorite": False,
        "software_vendor_id": "8",
    },
    name_filter="software_name",
    update={"software_seats": 40, "software_expire": "2027-01-31", "software_license_type": "Perpetual"},
    updated={"software_seats": "40", "software_expire": "2027-01-31", "software_license_type": "Perpetual"},
    invalid=(
        Invalid("software_purchase", "2026-02-29", "software_purchase is not a valid date: 2026-02-29."),
        Invalid("software_expire", "tomorrow", "software_expire must be a date as YYYY-MM-DD."),
        Invalid("software_seats", "many", "software_seats must be a whole number."),
        Invalid("software_key", "K" * 201, "software_key is too long (at most 200 characters)."),
        Invalid("software_type", ["SaaS"], "software_type must be text."),
    ),
    date_field="software_expire",
)


class TestSoftwareContract(ModuleContract):
    module = SOFTWARE


def test_read_filters_by_key_name_and_type(http: httpx.Client, tenant: Tenant) -> None:
    client_id = tenant.client()
    office = create(
        http, tenant.api_key, SOFTWARE, client_id, software_name="Office", software_type="SaaS", software_key="K-1"
    )
    backup = create(
        http, tenant.api_key, SOFTWARE, client_id, software_name="Backup", software_type="Desktop", software_key="K-2"
    )
    keyless = create(http, tenant.api_key, SOFTWARE, client_id, software_name="Viewer", software_type="SaaS")

    def found(**params: object) -> list[int]:
        return ids_of(read(http, "software", tenant.api_key, **params))

    # The original filters software_key on the software_license parameter; here it is its own column.
    assert found(software_key="k-2") == [backup]
    assert found(software_license="K-2") == [office, backup, keyless]
    # The original answers 500 for any name.
    assert found(software_name="OFFICE") == [office]
    # The original casts the type to a number, so it never matches a named type.
    assert found(software_type="saas") == [office, keyless]
    assert read(http, "software", tenant.api_key, software_type="Mobile").json() == NO_RESOURCE

    # The first filter present wins: id, key, name, type.
    assert found(software_id=backup, software_key="K-1") == [backup]
    assert found(software_key="K-1", software_name="Backup") == [office]
    assert found(software_name="Backup", software_type="SaaS") == [backup]
    assert found(software_type="SaaS", limit=1, offset=1) == [keyless]
