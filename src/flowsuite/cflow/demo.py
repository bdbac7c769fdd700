"""The Cflow part of `flowsuite demo`: the two example workflows, five users, and records at every stage.

The records are made through the engine itself (submit, then the reviewers' updates), so the demo data is
exactly what the API would have produced. A second run adds no records: it issues a new API key (which
revokes the previous one) and new user keys.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from importlib import resources
from typing import Any

from rich.console import Console
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from flowsuite.cflow.context import CflowUserContext
from flowsuite.cflow.definitions import read_definition
from flowsuite.cflow.keys import create_api_key, create_user, rotate_user_key
from flowsuite.cflow.models import CflowRecord, CflowUser
from flowsuite.cflow.services.records import submit_record, update_record
from flowsuite.cflow.services.workflows import Workflow, find_workflow, import_workflow
from flowsuite.core.secrets import ServerSecret

EXAMPLES = ("purchase-request.yaml", "leave-request.yaml")
REQUESTER = "ana.popescu@demo.example"
# Username and role of each demo user: the stages of the examples name these roles.
USERS = (
    (REQUESTER, "employee"),
    ("mihai.manager@demo.example", "manager"),
    ("dana.finance@demo.example", "finance"),
    ("ioana.lead@demo.example", "lead"),
    ("radu.hr@demo.example", "hr"),
)
# Per workflow: the values of each demo record and the reviews it has had (stage position, status).
PURCHASES: tuple[tuple[dict[str, Any], tuple[tuple[int, str], ...]], ...] = (
    ({"Item": "Laptop for the new hire", "Amount": 1450, "Category": "Hardware", "Needed_By": "2027-01-15"}, ()),
    (
        {"Item": "Design software licence", "Amount": 620, "Category": "Software", "Tags": ["design"]},
        ((1, "Approved"),),
    ),
    (
        {"Item": "Office chairs (6)", "Amount": 1890, "Category": "Hardware", "Urgent": True},
        ((1, "Approved"), (2, "On Hold")),
    ),
    ({"Item": "Security audit", "Amount": 4200, "Category": "Services"}, ((1, "Approved"), (2, "Approved"))),
    ({"Item": "Espresso machine", "Amount": 2300, "Category": "Hardware"}, ((1, "Rejected"),)),
)
LEAVES: tuple[tuple[dict[str, Any], tuple[tuple[int, str], ...]], ...] = (
    ({"Employee": "Ana Popescu", "Leave_Type": "paid", "From": "2027-02-01", "To": "2027-02-05", "Days": 5}, ()),
    ({"Employee": "Ana Popescu", "Leave_Type": "sick", "From": "2027-01-10", "To": "2027-01-11"}, ((1, "Approved"),)),
    ({"Employee": "Ana Popescu", "Leave_Type": "paid", "From": "2026-12-27", "To": "2026-12-31", "Days": 3},
     ((1, "Approved"), (2, "Approved"))),
    ({"Employee": "Ana Popescu", "Leave_Type": "unpaid", "From": "2027-03-01", "To": "2027-03-31"}, ((1, "Rejected"),)),
)  # fmt: skip


def example_text(name: str) -> str:
    """An example definition shipped with flowsuite (the same files as examples/ in the repository)."""
    return resources.files("flowsuite.cflow").joinpath("examples", name).read_text(encoding="utf-8")


@dataclass
class CflowDemo:
    api_key: str
    user_keys: dict[str, str]
    group_id: str

    def headers(self, username: str = REQUESTER) -> str:
        return f'-H "apikey: {self.api_key}" -H "userkey: {self.user_keys[username]}" -H "username: {username}"'

    def commands(self, base_url: str) -> list[tuple[str, str]]:
        """(what it does, a curl command): list workflows, read a stage's fields, submit a purchase request."""
        api = f"{base_url}/integromat/api/cflow"
        body = json.dumps(
            {"main": {"WorkflowName": "PurchaseRequest"}, "dynamicobj": {"Item": "Monitor", "Amount": "240"}}
        )
        fields = f"WorkflowName=PurchaseRequest&group_id={self.group_id}"
        mapping = f'curl "{api}/getworkflowprocessfieldsformap?{fields}" {self.headers()}'
        return [
            ("Cflow: the workflows Ana may start", f'curl "{api}/getworkflows" {self.headers()}'),
            ("Cflow: the fields of the manager's review", mapping),
            ("Cflow: submit a purchase request", f"curl -X POST {api}/submitrecord {self.headers()} -d '{body}'"),
        ]

    def print(self, console: Console, base_url: str) -> None:
        def out(text: str) -> None:
            # No markup, highlighting or wrapping: every line must paste into a shell exactly.
            console.print(text, markup=False, highlight=False, soft_wrap=True)

        console.print("[bold]Cflow integration API[/bold]")
        out(f"  apikey:  {self.api_key}")
        for username, user_key in self.user_keys.items():
            out(f"  userkey: {user_key}  (username {username})")
        console.print("[yellow]  Copy the keys now: they are stored hashed and cannot be shown again.[/yellow]")
        for what, command in self.commands(base_url):
            out(f"\n# {what}")
            out(command)


def _users(session: Session, secret: ServerSecret, company_id: int) -> tuple[dict[str, str], dict[str, CflowUser]]:
    """Each demo user (made on the first run) with a fresh user key."""
    keys: dict[str, str] = {}
    for username, role in USERS:
        user = session.scalar(
            select(CflowUser).where(CflowUser.company_id == company_id, CflowUser.username == username)
        )
        issued = (
            rotate_user_key(session, secret, user)
            if user is not None
            else create_user(session, secret, company_id=company_id, username=username, role=role)
        )
        keys[username] = issued.secret
    users = {u.username: u for u in session.scalars(select(CflowUser).where(CflowUser.company_id == company_id))}
    return keys, users


def _reviewer(workflow: Workflow, position: int, contexts: dict[str, CflowUserContext]) -> CflowUserContext:
    stage = workflow.stages[position]
    return next(ctx for ctx in contexts.values() if ctx.named_in(stage.reviewers))


def _records(session: Session, workflow: Workflow, contexts: dict[str, CflowUserContext], plan: Any) -> None:
    for values, reviews in plan:
        number = str(submit_record(session, contexts[REQUESTER], workflow.name, values).number)
        for position, status in reviews:
            stage_id = str(workflow.stages[position].id)
            reviewer = _reviewer(workflow, position, contexts)
            update_record(session, reviewer, workflow.name, stage_id, number, {f"R_Status{position}": status})


def seed_cflow(session: Session, secret: ServerSecret, company_id: int) -> CflowDemo:
    """Imports the examples and seeds their records unless the company has records already; issues keys."""
    for name in EXAMPLES:
        import_workflow(session, company_id, read_definition(example_text(name)))
    api_key = create_api_key(session, secret, company_id=company_id)
    user_keys, users = _users(session, secret, company_id)
    contexts = {u.username: CflowUserContext(company_id, api_key.id, u.id, u.username, u.role) for u in users.values()}
    purchase = find_workflow(session, company_id, "PurchaseRequest")
    leave = find_workflow(session, company_id, "LeaveRequest")
    assert purchase is not None and leave is not None
    if not session.scalar(select(func.count()).select_from(CflowRecord).where(CflowRecord.company_id == company_id)):
        _records(session, purchase, contexts, PURCHASES)
        _records(session, leave, contexts, LEAVES)
    return CflowDemo(api_key.secret, user_keys, str(purchase.stages[1].id))
