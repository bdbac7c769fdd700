"""`flowsuite demo`: a demo company with realistic data for every face, and its keys."""

from __future__ import annotations

from rich.console import Console
from sqlalchemy import select

from flowsuite.core.runtime import Runtime
from flowsuite.tenancy import service as tenancy
from flowsuite.tenancy.models import Company

DEMO_COMPANY = "Demo MSP"


def demo_exists(runtime: Runtime) -> bool:
    """Whether the database holds the demo company already."""
    with runtime.db.read_session() as session:
        return session.scalar(select(Company.id).where(Company.name == DEMO_COMPANY)) is not None


def create_demo(runtime: Runtime, console: Console, base_url: str) -> None:
    from flowsuite.admin.demo import seed_admin
    from flowsuite.cflow.demo import seed_cflow
    from flowsuite.iflow.demo import seed_iflow
    from flowsuite.itflow.demo import seed_itflow

    with runtime.db.transaction(write=True) as session:
        company = session.scalar(select(Company).where(Company.name == DEMO_COMPANY))
        if company is None:
            company = tenancy.create_company(session, DEMO_COMPANY, "Europe/Bucharest")
            fresh = True
        else:
            fresh = False
        itflow = seed_itflow(session, runtime.secret, company.id, fresh=fresh)
        iflow = seed_iflow(session, runtime.secret, company.id)
        cflow = seed_cflow(session, runtime.secret, company.id)
        admin = seed_admin(session, company.id)
    console.rule(f"[bold]{DEMO_COMPANY}[/bold]" + ("" if fresh else " (existing data; new keys)"))
    itflow.print(console, base_url)
    console.print()
    iflow.print(console, base_url)
    console.print()
    cflow.print(console, base_url)
    console.print()
    admin.print(console, base_url)
