"""domains: a client's internet domains, with the ids of their registrar, web, DNS and mail hosts."""

from __future__ import annotations

from flowsuite.itflow import models
from flowsuite.itflow.resources import Field, ReadFilter, Resource

domains = Resource(
    name="domains",
    model=models.Domain,
    pk="domain_id",
    client_column="domain_client_id",
    entity="domain",
    fields=(
        Field("domain_name", "domain_name", required=True),
        Field("domain_description", "domain_description"),
        Field("domain_expire", "domain_expire", "date"),
        Field("domain_ip", "domain_ip"),
        Field("domain_name_servers", "domain_name_servers"),
        Field("domain_mail_servers", "domain_mail_servers"),
        Field("domain_txt", "domain_txt"),
        Field("domain_raw_whois", "domain_raw_whois"),
        Field("domain_notes", "domain_notes"),
        Field("domain_favorite", "domain_favorite", "flag"),
        # Vendor ids of the domain's registrar and hosts (0 = none).
        Field("domain_registrar", "domain_registrar", "int"),
        Field("domain_webhost", "domain_webhost", "int"),
        Field("domain_dnshost", "domain_dnshost", "int"),
        Field("domain_mailhost", "domain_mailhost", "int"),
    ),
    read_filters=(
        ReadFilter("domain_id", "domain_id", by_id=True),
        ReadFilter("domain_name", "domain_name"),
    ),
)
