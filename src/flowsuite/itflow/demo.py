"""Demo data for the ITFlow face."""

from __future__ import annotations

from dataclasses import dataclass

from rich.console import Console
from sqlalchemy.orm import Session

from flowsuite.core.secrets import ServerSecret
from flowsuite.itflow import models
from flowsuite.itflow.keys import create_key, ensure_company_setup


@dataclass
class ITFlowDemo:
    api_key: str
    decrypt_password: str
    client_id: int

    def print(self, console: Console, base_url: str) -> None:
        console.print("[bold]ITFlow API v1[/bold]")
        console.print(f"  api_key:                  [green]{self.api_key}[/green]")
        console.print(f"  api_key_decrypt_password: [green]{self.decrypt_password}[/green]")
        console.print(f'  curl "{base_url}/api/v1/clients/read.php?api_key={self.api_key}&limit=1"')


def seed_itflow(session: Session, secret: ServerSecret, company_id: int, *, fresh: bool) -> ITFlowDemo:
    ensure_company_setup(session, secret, company_id)
    client_id = 0
    if fresh:
        for name in ("Example Corp", "Let it burn Inc", "Northwind Traders"):
            client = models.Client(company_id=company_id, client_name=name, client_currency_code="USD")
            session.add(client)
            session.flush()
            client_id = client_id or client.client_id
    issued = create_key(session, secret, company_id=company_id, name="demo")
    return ITFlowDemo(issued.api_key, issued.decrypt_password, client_id)
