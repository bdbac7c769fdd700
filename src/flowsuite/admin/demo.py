"""The demo company's console user: a known address, a new password on every run.

The address is the demo Cflow manager's, so that the person signed in reviews the purchase requests waiting
at Manager Review (the console acts in Cflow as the Cflow user of the same address)."""

from __future__ import annotations

from dataclasses import dataclass

from rich.console import Console
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from flowsuite.admin.models import AdminUser
from flowsuite.admin.services.accounts import create_user, set_password

DEMO_EMAIL = "mihai.manager@demo.example"


@dataclass(frozen=True)
class DemoConsole:
    email: str
    password: str

    def print(self, console: Console, base_url: str) -> None:
        # One value a line, so that no terminal width wraps the password.
        console.print(f"[bold]Admin console[/bold]  {base_url}/admin/")
        console.print(f"  e-mail:   {self.email}")
        console.print(f"  password: [bold green]{self.password}[/bold green]")


def seed_admin(session: Session, company_id: int) -> DemoConsole:
    user = session.scalar(select(AdminUser).where(func.lower(AdminUser.email) == DEMO_EMAIL))
    if user is None:
        _, password = create_user(session, company_id=company_id, email=DEMO_EMAIL, name="Mihai Manager")
    else:
        password = set_password(session, user)
    return DemoConsole(DEMO_EMAIL, password)
