"""networks/*.php at the HTTP level: the shared contract; the CIDR is the required field `network`."""

from __future__ import annotations

from flowsuite.itflow import models
from tests.itflow.contract import Invalid, Module, ModuleContract

NETWORKS = Module(
    name="networks",
    model=models.Network,
    pk="network_id",
    client_column="network_client_id",
    columns=(
        "network_id",
        "network_name",
        "network_description",
        "network_vlan",
        "network",
        "network_subnet",
        "network_gateway",
        "network_primary_dns",
        "network_secondary_dns",
        "network_dhcp_range",
        "network_notes",
        "network_favorite",
        "network_created_at",
        "network_updated_at",
        "network_archived_at",
        "network_accessed_at",
        "network_location_id",
        "network_client_id",
    ),
    required={"network_name": "Office LAN", "network": "192.168.1.0/24"},
    create_defaults={
        "network_description": "",
        "network_vlan": "0",
        "network_gateway": "",
        "network_favorite": "0",
        "network_location_id": "0",
    },
    every_field={
        "network_name": "Guest Wi-Fi",
        "network_description": "Isolated guest network",
        "network_vlan": 30,
        "network": "10.30.0.0/24",
        "network_subnet": "255.255.255.0",
        "network_gateway": "10.30.0.1",
        "network_primary_dns": "1.1.1.1",
        "network_secondary_dns": "9.9.9.9",
        "network_dhcp_range": "10.30.0.100-10.30.0.200",
        "network_notes": "<b>No</b> access to LAN",
        "network_favorite": 1,
        "network_location_id": "2",
    },
    name_filter="network_name",
    update={"network_vlan": 20, "network_gateway": "192.168.1.1", "network_dhcp_range": "192.168.1.100-192.168.1.200"},
    updated={
        "network_vlan": "20",
        "network_gateway": "192.168.1.1",
        "network_dhcp_range": "192.168.1.100-192.168.1.200",
    },
    invalid=(
        Invalid("network_vlan", "ten", "network_vlan must be a whole number."),
        Invalid("network_location_id", "3.5", "network_location_id must be a whole number."),
        Invalid("network", "1" * 201, "network is too long (at most 200 characters)."),
        Invalid("network_gateway", "g" * 201, "network_gateway is too long (at most 200 characters)."),
        Invalid("network_notes", "bad\x00byte", "network_notes must not contain NUL characters."),
    ),
)


class TestNetworksContract(ModuleContract):
    module = NETWORKS
