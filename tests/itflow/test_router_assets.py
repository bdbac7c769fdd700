"""assets/*.php at the HTTP level: the shared contract, the primary interface, and the read filters."""

from __future__ import annotations

import httpx

from flowsuite.itflow import models
from tests.itflow.contract import (
    DELETED,
    NO_RESOURCE,
    UPDATED,
    Invalid,
    Module,
    ModuleContract,
    create,
    ids_of,
    post,
    read,
    row_of,
)
from tests.itflow.factories import Tenant

ASSET_COLUMNS = (
    "asset_id",
    "asset_type",
    "asset_name",
    "asset_description",
    "asset_make",
    "asset_model",
    "asset_serial",
    "asset_os",
    "asset_uri",
    "asset_uri_2",
    "asset_uri_client",
    "asset_status",
    "asset_purchase_reference",
    "asset_purchase_date",
    "asset_warranty_expire",
    "asset_install_date",
    "asset_photo",
    "asset_physical_location",
    "asset_notes",
    "asset_favorite",
    "asset_created_at",
    "asset_updated_at",
    "asset_archived_at",
    "asset_accessed_at",
    "asset_vendor_id",
    "asset_location_id",
    "asset_contact_id",
    "asset_client_id",
)
INTERFACE_COLUMNS = (
    "interface_id",
    "interface_name",
    "interface_description",
    "interface_type",
    "interface_mac",
    "interface_ip",
    "interface_nat_ip",
    "interface_ipv6",
    "interface_notes",
    "interface_primary",
    "interface_created_at",
    "interface_updated_at",
    "interface_archived_at",
    "interface_network_id",
    "interface_asset_id",
)
LIST_COLUMNS = ASSET_COLUMNS + INTERFACE_COLUMNS

ASSETS = Module(
    name="assets",
    model=models.Asset,
    pk="asset_id",
    client_column="asset_client_id",
    columns=ASSET_COLUMNS,
    required={"asset_name": "Reception PC"},
    create_defaults={
        "asset_type": "",
        "asset_description": "",
        "asset_make": "",
        "asset_uri_2": "",
        "asset_uri_client": None,
        "asset_photo": None,
        "asset_purchase_date": None,
        "asset_favorite": "0",
        "asset_vendor_id": "0",
        "asset_contact_id": "0",
    },
    every_field={
        "asset_name": "Server 01",
        "asset_description": "Rack server",
        "asset_type": "Server",
        "asset_make": "Dell",
        "asset_model": "R740",
        "asset_serial": "7XK2M3",
        "asset_os": "Debian 13",
        "asset_uri": "https://idrac.example.com",
        "asset_uri_2": "ssh://server01",
        "asset_status": "Deployed",
        "asset_purchase_reference": "PO-1001",
        "asset_purchase_date": "2024-01-02",
        "asset_warranty_expire": "2029-01-01",
        "asset_install_date": "2024-02-03",
        "asset_physical_location": "Rack 2, U14",
        "asset_notes": "<b>Spare</b> PSU in cupboard",
        "asset_vendor_id": 4,
        "asset_location_id": "5",
        "asset_contact_id": 6,
    },
    name_filter="asset_name",
    update={"asset_serial": "SN-2", "asset_warranty_expire": "2027-05-31", "asset_contact_id": 7},
    updated={"asset_serial": "SN-2", "asset_warranty_expire": "2027-05-31", "asset_contact_id": "7"},
    invalid=(
        Invalid("asset_purchase_date", "2024-02-30", "asset_purchase_date is not a valid date: 2024-02-30."),
        Invalid("asset_install_date", "02/01/2024", "asset_install_date must be a date as YYYY-MM-DD."),
        Invalid("asset_vendor_id", "abc", "asset_vendor_id must be a whole number."),
        Invalid("asset_serial", "S" * 201, "asset_serial is too long (at most 200 characters)."),
        Invalid("asset_mac", "m" * 201, "asset_mac is too long (at most 200 characters)."),
        Invalid("asset_network_id", "lan", "asset_network_id must be a whole number."),
    ),
    date_field="asset_purchase_date",
)


class TestAssetsContract(ModuleContract):
    module = ASSETS


def _interface(http: httpx.Client, tenant: Tenant, asset_id: int) -> dict[str, str | None]:
    """The interface columns of the asset's row in the unfiltered list."""
    rows = [r for r in read(http, "assets", tenant.api_key).json()["data"] if r["asset_id"] == str(asset_id)]
    assert len(rows) == 1
    return {c: rows[0][c] for c in INTERFACE_COLUMNS}


def test_create_makes_the_primary_interface(http: httpx.Client, tenant: Tenant) -> None:
    client_id = tenant.client()
    asset_id = create(
        http,
        tenant.api_key,
        ASSETS,
        client_id,
        asset_mac="00:11:22:33:44:55",
        asset_ip="10.0.0.5",
        asset_network_id=3,
        asset_uri_2="https://console.example.com",
    )
    body = read(http, "assets", tenant.api_key).json()
    assert body["count"] == 1
    row = body["data"][0]
    assert list(row) == list(LIST_COLUMNS)
    assert all(value is None or type(value) is str for value in row.values())
    assert row["asset_uri_2"] == "https://console.example.com"
    interface_id = row["interface_id"]
    assert interface_id is not None and interface_id.isdigit()
    assert {c: row[c] for c in INTERFACE_COLUMNS if not c.endswith("_at")} == {
        "interface_id": interface_id,
        "interface_name": "1",
        "interface_description": None,
        "interface_type": None,
        "interface_mac": "00:11:22:33:44:55",
        "interface_ip": "10.0.0.5",
        "interface_nat_ip": None,
        "interface_ipv6": None,
        "interface_notes": None,
        "interface_primary": "1",
        "interface_network_id": "3",
        "interface_asset_id": str(asset_id),
    }
    # By id, a read shows the asset's own columns only.
    assert list(row_of(http, tenant.api_key, ASSETS, asset_id)) == list(ASSET_COLUMNS)
    (stored,) = tenant.rows(models.AssetInterface, interface_asset_id=asset_id)
    assert stored["company_id"] == tenant.company_id


def test_create_without_interface_fields_still_makes_an_empty_primary_interface(
    http: httpx.Client, tenant: Tenant
) -> None:
    asset_id = create(http, tenant.api_key, ASSETS, tenant.client())
    interface = _interface(http, tenant, asset_id)
    assert (interface["interface_mac"], interface["interface_ip"], interface["interface_network_id"]) == ("", "", "0")
    assert interface["interface_primary"] == "1"


def test_list_shows_null_interface_keys_without_a_primary_interface(http: httpx.Client, tenant: Tenant) -> None:
    client_id = tenant.client()
    bare = tenant.add(models.Asset, asset_name="Bare", asset_client_id=client_id)
    secondary_only = tenant.add(models.Asset, asset_name="Secondary", asset_client_id=client_id)
    tenant.add(
        models.AssetInterface,
        interface_name="eth1",
        interface_mac="AA:AA:AA:AA:AA:AA",
        interface_primary=0,
        interface_asset_id=secondary_only,
    )
    body = read(http, "assets", tenant.api_key).json()
    assert [r["asset_id"] for r in body["data"]] == [str(bare), str(secondary_only)]
    for row in body["data"]:
        assert list(row) == list(LIST_COLUMNS)
        assert {c: row[c] for c in INTERFACE_COLUMNS} == dict.fromkeys(INTERFACE_COLUMNS)


def test_paged_list_joins_each_asset_with_its_own_interface(http: httpx.Client, tenant: Tenant) -> None:
    client_id = tenant.client()
    assets = [create(http, tenant.api_key, ASSETS, client_id, asset_mac=f"mac-{n}") for n in range(5)]
    body = read(http, "assets", tenant.api_key, limit=2, offset=2).json()
    assert body["count"] == 2
    assert [(r["asset_id"], r["interface_asset_id"], r["interface_mac"]) for r in body["data"]] == [
        (str(assets[2]), str(assets[2]), "mac-2"),
        (str(assets[3]), str(assets[3]), "mac-3"),
    ]


def test_read_filters(http: httpx.Client, tenant: Tenant) -> None:
    client_id = tenant.client()
    desktop = create(
        http,
        tenant.api_key,
        ASSETS,
        client_id,
        asset_name="Desk 1",
        asset_type="Desktop",
        asset_serial="SER-1",
        asset_uri="https://desk1.example.com",
        asset_uri_2="rdp://desk1",
        asset_mac="AA:BB:CC:00:00:01",
    )
    laptop = create(http, tenant.api_key, ASSETS, client_id, asset_name="Lap 1", asset_type="Laptop")
    # A non-primary interface's MAC does not find its asset.
    tenant.add(
        models.AssetInterface,
        interface_name="wifi",
        interface_mac="AA:BB:CC:00:00:02",
        interface_primary=0,
        interface_asset_id=laptop,
    )

    def found(**params: object) -> list[int]:
        return ids_of(read(http, "assets", tenant.api_key, **params))

    assert found(asset_type="desktop") == [desktop]
    assert found(asset_type="LAPTOP") == [laptop]
    assert found(asset_name="lap 1") == [laptop]
    assert found(asset_serial="ser-1") == [desktop]
    assert found(asset_uri="https://desk1.example.com") == [desktop]
    assert found(asset_uri_2="rdp://desk1") == [desktop]
    assert found(asset_mac="aa:bb:cc:00:00:01") == [desktop]
    assert read(http, "assets", tenant.api_key, asset_mac="AA:BB:CC:00:00:02").json() == NO_RESOURCE

    # By MAC the rows carry the primary interface; by the other filters only the asset.
    by_mac = read(http, "assets", tenant.api_key, asset_mac="AA:BB:CC:00:00:01").json()["data"][0]
    assert list(by_mac) == list(LIST_COLUMNS)
    assert by_mac["interface_mac"] == "AA:BB:CC:00:00:01"
    for name, value in (("asset_type", "desktop"), ("asset_serial", "SER-1"), ("asset_uri_2", "rdp://desk1")):
        assert list(read(http, "assets", tenant.api_key, **{name: value}).json()["data"][0]) == list(ASSET_COLUMNS)

    # The first filter present wins, in the original's order.
    assert found(asset_id=laptop, asset_name="Desk 1") == [laptop]
    assert found(asset_type="Desktop", asset_name="Lap 1") == [desktop]
    assert found(asset_name="Desk 1", asset_serial="nothing") == [desktop]
    assert found(asset_serial="SER-1", asset_mac="AA:BB:CC:00:00:02") == [desktop]
    assert found(asset_mac="AA:BB:CC:00:00:01", asset_uri="nothing") == [desktop]
    assert found(asset_uri="https://desk1.example.com", asset_uri_2="nothing") == [desktop]


def test_update_changes_only_the_interface_fields_sent(http: httpx.Client, tenant: Tenant) -> None:
    client_id = tenant.client()
    asset_id = create(
        http, tenant.api_key, ASSETS, client_id, asset_mac="00:00:00:00:00:01", asset_ip="10.0.0.1", asset_network_id=4
    )
    before = _interface(http, tenant, asset_id)

    # The original blanks MAC, IP and network here; flowsuite keeps them.
    reply = post(http, "assets", "update", tenant.api_key, client_id=client_id, asset_id=asset_id, asset_name="Renamed")
    assert reply.json() == UPDATED
    assert _interface(http, tenant, asset_id) == before
    assert row_of(http, tenant.api_key, ASSETS, asset_id)["asset_name"] == "Renamed"

    reply = post(http, "assets", "update", tenant.api_key, client_id=client_id, asset_id=asset_id, asset_ip="10.0.0.9")
    assert reply.json() == UPDATED
    after = _interface(http, tenant, asset_id)
    assert after["interface_ip"] == "10.0.0.9"
    assert after["interface_updated_at"] is not None
    unchanged = ("interface_id", "interface_mac", "interface_network_id", "interface_name", "interface_primary")
    assert {c: after[c] for c in unchanged} == {c: before[c] for c in unchanged}
    assert tenant.count(models.AssetInterface, interface_asset_id=asset_id) == 1


def test_update_makes_a_missing_primary_interface_only_when_one_is_sent(http: httpx.Client, tenant: Tenant) -> None:
    client_id = tenant.client()
    asset_id = tenant.add(models.Asset, asset_name="Imported", asset_client_id=client_id)
    reply = post(http, "assets", "update", tenant.api_key, client_id=client_id, asset_id=asset_id, asset_os="Linux")
    assert reply.json() == UPDATED
    assert tenant.count(models.AssetInterface, interface_asset_id=asset_id) == 0

    reply = post(
        http, "assets", "update", tenant.api_key, client_id=client_id, asset_id=asset_id, asset_mac="00:00:5E:00:53:01"
    )
    assert reply.json() == UPDATED
    interface = _interface(http, tenant, asset_id)
    assert {c: interface[c] for c in ("interface_name", "interface_primary", "interface_mac", "interface_ip")} == {
        "interface_name": "1",
        "interface_primary": "1",
        "interface_mac": "00:00:5E:00:53:01",
        "interface_ip": "",
    }
    assert interface["interface_network_id"] == "0"


def test_delete_answers_success_and_removes_the_interfaces(http: httpx.Client, tenant: Tenant) -> None:
    client_id = tenant.client()
    asset_id = create(http, tenant.api_key, ASSETS, client_id, asset_mac="00:00:00:00:00:0A")
    tenant.add(models.AssetInterface, interface_name="eth1", interface_primary=0, interface_asset_id=asset_id)
    kept = create(http, tenant.api_key, ASSETS, client_id, asset_mac="00:00:00:00:00:0B")
    assert tenant.count(models.AssetInterface, interface_asset_id=asset_id) == 2

    # The original deletes the asset but answers "False"; flowsuite reports the one deleted asset.
    reply = post(http, "assets", "delete", tenant.api_key, client_id=client_id, asset_id=asset_id)
    assert reply.json() == DELETED
    assert tenant.count(models.AssetInterface, interface_asset_id=asset_id) == 0
    assert tenant.count(models.AssetInterface, interface_asset_id=kept) == 1
    assert ids_of(read(http, "assets", tenant.api_key)) == [kept]


def test_mismatched_delete_keeps_the_interfaces(http: httpx.Client, tenant: Tenant) -> None:
    owner, other = tenant.client("Owner"), tenant.client("Other")
    asset_id = create(http, tenant.api_key, ASSETS, owner, asset_mac="00:00:00:00:00:0C")
    # The original deletes the interfaces of another client's asset here; flowsuite touches nothing.
    reply = post(http, "assets", "delete", tenant.api_key, client_id=other, asset_id=asset_id)
    assert reply.json()["success"] == "False"
    assert tenant.count(models.AssetInterface, interface_asset_id=asset_id) == 1
