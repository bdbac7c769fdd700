"""The README's SDK samples run as written against the live server, placeholders swapped for real values."""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path
from typing import Any

import httpx
import orjson

from flowsuite.cflow.models import CflowRecord
from flowsuite.itflow import models
from tests.cflow.factories import new_tenant as new_cflow_tenant
from tests.conftest import LiveServer
from tests.iflow.factories import IFlowTenant
from tests.itflow.factories import Tenant

README = Path(__file__).resolve().parents[2] / "README.md"


def python_samples() -> list[str]:
    """The python blocks of the README's SDK section, in order."""
    text = README.read_text()
    section = text[text.index("## The Python SDK") :]
    section = section[: section.index("\n## ", 1)]
    return re.findall(r"```python\n(.*?)```", section, re.S)


def run(sample: str, replacements: dict[str, str]) -> str:
    """Runs a sample with its placeholders replaced; what it printed."""
    for placeholder, value in replacements.items():
        assert placeholder in sample, placeholder
        sample = sample.replace(placeholder, value)
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        exec(compile(sample, str(README), "exec"), {})
    return printed.getvalue()


def test_there_are_the_four_samples() -> None:
    assert len(python_samples()) == 4


def test_the_iflow_sample(server: LiveServer, iflow_tenant: IFlowTenant, http: httpx.Client) -> None:
    iflow_tenant.new_user(http, "Ana Pop")
    (sample, _, _, _) = python_samples()
    printed = run(
        sample,
        {
            "https://app.iflow.ro": server.base_url,
            "YOUR_API_KEY": iflow_tenant.api_key,
            "YOUR_ACCESS_TOKEN": iflow_tenant.token,
        },
    )
    assert printed.splitlines()[0] == "Ana Pop 0.0 0.0"
    assert printed.splitlines()[1].startswith("Ana Pop ")


def test_the_itflow_samples(server: LiveServer, tenant: Tenant) -> None:
    (_, python, powershell, _) = python_samples()
    client_id = tenant.client("Example Corp")
    printed = run(
        python,
        {"https://itflow.yourdomain.com": server.base_url, "YOUR_API_KEY": tenant.api_key, "456": str(client_id)},
    )
    (ticket,) = tenant.rows(models.Ticket)
    assert printed.splitlines() == [f"{client_id} Example Corp", str(ticket["ticket_id"])]
    assert (ticket["ticket_subject"], ticket["ticket_priority"]) == ("Network issue", "High")

    run(
        powershell,
        {
            "https://itflow.yourdomain.com": server.base_url,
            "YOUR-API-KEY": tenant.api_key,
            "client_id=1": f"client_id={client_id}",
        },
    )
    (asset,) = tenant.rows(models.Asset)
    assert (asset["asset_name"], asset["asset_make"], asset["asset_client_id"]) == ("Sample Laptop", "Dell", client_id)


# The Cflow document's "SampleWorkflow", with the fields its submit sample fills.
SAMPLE_WORKFLOW: dict[str, Any] = {
    "name": "SampleWorkflow",
    "fields": [
        {"name": "City", "type": "text"},
        {"name": "Name1", "type": "text"},
        {"name": "Email", "type": "email"},
        {"name": "Build_Date", "type": "date"},
        {"name": "Work_Status", "type": "select", "multiple": True, "options": ["Stage", "Live"]},
        {"name": "Completed_work", "type": "text", "multiple": True},
    ],
    "stages": [{"name": "Manager Review", "reviewers": ["anyone@example.com"]}],
}


def test_the_cflow_sample(server: LiveServer) -> None:
    tenant = new_cflow_tenant(server)
    tenant.import_workflow(SAMPLE_WORKFLOW)
    username = "ana@example.com"
    printed = run(
        python_samples()[3],
        {
            "https://us.cflowapps.com": server.base_url,
            "YOUR_API_KEY": tenant.api_key,
            "YOUR_USER_KEY": tenant.user_keys[username],
            "YOUR_USERNAME": username,
        },
    )
    (record,) = tenant.rows(CflowRecord)
    assert printed.strip() == str(record["number"])
    values = orjson.loads(record["values"])
    assert (values["Build_Date"], values["Work_Status"]) == ("2022-03-26T18:30:00", ["Stage"])
    assert values["Completed_work"] == ["stage testing completed", "live testing completed"]
