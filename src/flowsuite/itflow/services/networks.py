"""networks: a client's IP networks (the CIDR is the column `network`), with VLAN, gateway, DNS and DHCP."""

from __future__ import annotations

from flowsuite.itflow import models
from flowsuite.itflow.resources import Field, ReadFilter, Resource

networks = Resource(
    name="networks",
    model=models.Network,
    pk="network_id",
    client_column="network_client_id",
    entity="network",
    fields=(
        Field("network_name", "network_name", required=True),
        Field("network_description", "network_description"),
        Field("network_vlan", "network_vlan", "int"),
        Field("network", "network", required=True),
        Field("network_subnet", "network_subnet"),
        Field("network_gateway", "network_gateway"),
        Field("network_primary_dns", "network_primary_dns"),
        Field("network_secondary_dns", "network_secondary_dns"),
        Field("network_dhcp_range", "network_dhcp_range"),
        Field("network_notes", "network_notes"),
        Field("network_favorite", "network_favorite", "flag"),
        Field("network_location_id", "network_location_id", "int"),
    ),
    read_filters=(
        ReadFilter("network_id", "network_id", by_id=True),
        ReadFilter("network_name", "network_name"),
    ),
)
