"""The demo company's console user: a known address, a new password on every run."""

from __future__ import annotations

from dataclasses import dataclass

from rich.console import Console
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from flowsuite.admin.models import AdminUser
from flowsuite.admin.services.accounts import create_user, set_password

DEMO_EMAIL = "admin@demo.example"


@dataclass(frozen=True)
class DemoConsole:
    email: str
    password: str

    def print(self, console: Console, base_url: str) -> None:
        console.print("[bold]Admin console[/bold]")
        console.print(f"  {base_url}/admin/  sign in as {self.email} with [bold green]{self.password}[/bold green]")


def seed_admin(session: Session, company_id: int) -> DemoConsole:
    user = session.scalar(select(AdminUser).where(func.lower(AdminUser.email) == DEMO_EMAIL))
    if user is None:
        _, password = create_user(session, company_id=company_id, email=DEMO_EMAIL, name="Demo Admin")
    else:
        password = set_password(session, user)
    return DemoConsole(DEMO_EMAIL, password)
