"""Demo data for the ITFlow face: a small MSP's clients and everything it documents about them.

The rows are inserted through the models (no API, no services), so the demo works whichever modules are
served; every endpoint then reads them as if they had been written through the API. Phone numbers are
in the 555-0100..0199 range reserved for fiction, addresses under `.example` and 203.0.113.0/24.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from dataclasses import dataclass, field
from typing import Any, TypeVar

from rich.console import Console
from sqlalchemy import select
from sqlalchemy.orm import Session

from flowsuite.core.db import utc_now
from flowsuite.core.secrets import ServerSecret, new_token
from flowsuite.itflow import crypto, models
from flowsuite.itflow.keys import create_key, ensure_company_setup

Row = TypeVar("Row")


@dataclass(frozen=True)
class DemoClient:
    name: str
    client_type: str
    domain: str
    abbreviation: str
    rate: float
    area_code: str
    address: tuple[str, str, str, str]  # street, city, state, zip
    # name, title, mailbox; the first one is the primary contact.
    contacts: tuple[tuple[str, str, str], ...]
    # How many of ASSET_TEMPLATES this client has.
    asset_count: int
    # status, amount, paid: the client's invoices and what was paid on each.
    invoices: tuple[tuple[str, float, float], ...]
    software: tuple[str, ...] = ()
    # A vendor only this client deals with (name, description, contact, phone, website).
    own_vendor: tuple[str, str, str, str, str] | None = None


CLIENTS = (
    DemoClient(
        "Example Corp",
        "Consulting",
        "example.com",
        "EXC",
        95,
        "212",
        ("350 Fifth Avenue, Suite 4100", "New York", "NY", "10118"),
        (
            ("Jane Doe", "Office Manager", "jane.doe"),
            ("Raj Patel", "IT Coordinator", "raj.patel"),
            ("Carla Gomez", "Accounts Payable", "carla.gomez"),
        ),
        5,
        (("Paid", 1200, 1200), ("Partial", 300, 150), ("Sent", 450, 0), ("Draft", 99, 0)),
        ("Windows Server 2022 Standard",),
    ),
    DemoClient(
        "Let it burn Inc",
        "Safety and Fire",
        "letitburn.example",
        "LIB",
        110,
        "312",
        ("233 S Wacker Drive", "Chicago", "IL", "60606"),
        (("Marcus Reed", "Operations Director", "marcus.reed"), ("Ellen Park", "Safety Officer", "ellen.park")),
        4,
        (("Paid", 850, 850), ("Sent", 1275.5, 0)),
    ),
    DemoClient(
        "Northwind Traders",
        "Wholesale",
        "northwind.example",
        "NWT",
        95,
        "206",
        ("1201 Second Avenue", "Seattle", "WA", "98101"),
        (
            ("Nancy Davolio", "Sales Representative", "nancy.davolio"),
            ("Andrew Fuller", "Vice President, Sales", "andrew.fuller"),
            ("Janet Leverling", "Sales Representative", "janet.leverling"),
        ),
        5,
        (("Paid", 2400, 2400), ("Paid", 2400, 2400)),
        ("Windows Server 2022 Standard",),
    ),
    DemoClient(
        "Smith & Sons Plumbing",
        "Trades",
        "smithandsons.example",
        "SSP",
        85,
        "617",
        ("48 Tremont Street", "Boston", "MA", "02108"),
        (("Bob Smith", "Owner", "bob"), ("Linda Smith", "Office Administrator", "linda")),
        3,
        (("Sent", 180, 0),),
    ),
    DemoClient(
        "Bluebird Dental Clinic",
        "Healthcare",
        "bluebirddental.example",
        "BDC",
        120,
        "415",
        ("870 Market Street", "San Francisco", "CA", "94102"),
        (("Dr. Amy Chen", "Practice Owner", "amy.chen"), ("Luis Romero", "Front Desk Lead", "luis.romero")),
        4,
        (("Partial", 960, 480), ("Cancelled", 200, 0)),
        ("Dentrix G7",),
        ("Dentrix Support", "Practice management software", "Henry Schein One", "1-801-555-0170", "dentrix.example"),
    ),
    DemoClient(
        "Lakeside Accounting",
        "Finance",
        "lakesideaccounting.example",
        "LSA",
        100,
        "303",
        ("1700 Lincoln Street", "Denver", "CO", "80203"),
        (("Priya Shah", "Managing Partner", "priya.shah"), ("Tom Becker", "Office Manager", "tom.becker")),
        4,
        (("Viewed", 640, 0), ("Paid", 640, 640)),
        ("QuickBooks Desktop Accountant 2024",),
    ),
)

# The vendors every client shares (client 0): name, description, contact, phone as people type it, website.
VENDORS = (
    ("Dell Technologies", "Servers, desktops and laptops", "Premier Support", "+1 (512) 555-0120", "dell.example"),
    ("Microsoft", "Microsoft 365 and Windows licensing", "Partner Center", "+1 (425) 555-0130", "microsoft.example"),
    ("AT&T Business", "Fibre internet and SIP trunks", "Business Care", "+1 (214) 555-0140", "att.example"),
    ("Namecheap", "Domain registrar", "Support", "+1 (323) 555-0150", "namecheap.example"),
    ("Fortinet", "Firewalls", "TAC", "+1 (408) 555-0160", "fortinet.example"),
)

# type, name suffix, make, model, operating system, last octet of the IP, vendor.
ASSET_TEMPLATES = (
    ("Firewall", "FW01", "Fortinet", "FortiGate 60F", "FortiOS 7.4.3", 1, "Fortinet"),
    ("Laptop", "LT01", "Lenovo", "ThinkPad T14 Gen 4", "Windows 11 Pro", 101, ""),
    ("Desktop", "PC01", "Dell", "OptiPlex 7010", "Windows 11 Pro", 102, "Dell Technologies"),
    ("Server", "DC01", "Dell", "PowerEdge R450", "Windows Server 2022", 10, "Dell Technologies"),
    ("Printer", "PRN01", "HP", "LaserJet Pro M404dn", "", 50, ""),
)

# name, type, license type, vendor.
SOFTWARE = {
    "Microsoft 365 Business Premium": ("SaaS", "Subscription", "Microsoft"),
    "Windows Server 2022 Standard": ("Operating System", "Perpetual", "Microsoft"),
    "Dentrix G7": ("Application", "Subscription", "Dentrix Support"),
    "QuickBooks Desktop Accountant 2024": ("Application", "Subscription", ""),
}

# client, subject, details, priority, status, source, days ago, replies (type, text, minutes worked).
TICKETS: tuple[tuple[str, str, str, str, int, str, int, tuple[tuple[str, str, int], ...]], ...] = (
    (
        "Example Corp",
        "Printer offline on 3rd floor",
        "The LaserJet by reception shows offline for everyone since this morning.",
        "Medium",
        2,
        "Phone",
        1,
        (
            ("Public", "Restarted the print spooler on DC01; the printer is back online. Please try again.", 15),
            ("Internal", "Toner is at 8%, ordered a replacement cartridge.", 5),
        ),
    ),
    (
        "Example Corp",
        "Laptop for new hire starting Monday",
        "Please prepare a laptop and an M365 account for Sam Lee (Analyst).",
        "Low",
        1,
        "Email",
        0,
        (),
    ),
    (
        "Let it burn Inc",
        "Outlook keeps asking for the password",
        "Since yesterday Outlook prompts for credentials every few minutes on Ellen's PC.",
        "High",
        4,
        "Email",
        6,
        (
            ("Internal", "Stale credentials in Windows Credential Manager after the password change.", 20),
            ("Public", "Cleared the cached credentials and re-signed Outlook in; please let us know if it recurs.", 10),
        ),
    ),
    (
        "Northwind Traders",
        "VPN disconnects every 10 minutes",
        "Remote sales reps lose the VPN connection about every 10 minutes.",
        "High",
        3,
        "Portal",
        3,
        (
            ("Internal", "Firewall logs show DPD timeouts; opened a case with the ISP about packet loss.", 45),
            ("Public", "We are waiting on the internet provider, who is checking the line.", 5),
        ),
    ),
    (
        "Smith & Sons Plumbing",
        "Replace failing hard drive in office PC",
        "SMART warnings on the office desktop.",
        "Medium",
        5,
        "Phone",
        14,
        (("Public", "Cloned the disk to a new SSD and returned the PC; the old drive was wiped.", 90),),
    ),
    (
        "Bluebird Dental Clinic",
        "Imaging software will not start",
        "The X-ray imaging bridge crashes on launch in operatory 2.",
        "High",
        2,
        "Phone",
        0,
        (("Internal", "Vendor support case opened with Dentrix; remote session booked for 2 pm.", 25),),
    ),
    (
        "Lakeside Accounting",
        "Set up MFA for all staff",
        "Ahead of tax season, please enforce multi-factor sign-in for everyone.",
        "Medium",
        1,
        "Email",
        2,
        (),
    ),
    (
        "Lakeside Accounting",
        "QuickBooks multi-user mode error H202",
        "Workstations cannot open the company file in multi-user mode.",
        "Low",
        4,
        "Portal",
        9,
        (
            (
                "Public",
                "Database server manager was stopped on the file server; restarted it and set it to automatic.",
                30,
            ),
        ),
    ),
)

# client, name, description, username, uri, asset suffix.
CREDENTIALS = (
    ("Example Corp", "Domain Administrator", "Break-glass domain admin", "EXAMPLE\\itadmin", "", "DC01"),
    (
        "Example Corp",
        "Microsoft 365 Global Admin",
        "Tenant admin",
        "admin@example.com",
        "https://admin.microsoft.example",
        "",
    ),
    ("Northwind Traders", "FortiGate admin", "Firewall web console", "admin", "https://10.0.3.1", "FW01"),
    ("Bluebird Dental Clinic", "Dentrix server", "Practice database service account", "dentrixsvc", "", "DC01"),
)


@dataclass
class DemoSamples:
    """Ids from the demo data that the printed commands use (None if the data was since deleted)."""

    client_id: int | None = None
    client_name: str = ""
    phone: str | None = None
    asset_id: int | None = None
    credential_id: int | None = None


@dataclass
class ITFlowDemo:
    api_key: str
    decrypt_password: str
    scoped_api_key: str
    scoped_decrypt_password: str
    samples: DemoSamples = field(default_factory=DemoSamples)

    def commands(self, base_url: str) -> list[tuple[str, str]]:
        """(what it does, a curl command) for the seed documents' examples and each api.php action."""
        key, s = self.api_key, self.samples
        v1 = f"{base_url}/api/v1"
        legacy = f"{base_url}/api.php?api_key={key}"
        commands = [("clients, first page of one", f'curl "{v1}/clients/read.php?api_key={key}&limit=1"')]
        if s.asset_id is not None:
            commands.append(("one asset by id", f'curl "{v1}/assets/read.php?api_key={key}&asset_id={s.asset_id}"'))
        if s.client_id is not None:
            ticket = {
                "api_key": key,
                "client_id": s.client_id,
                "ticket_subject": "Printer offline",
                "ticket_details": "Office printer not responding",
                "ticket_priority": "Medium",
            }
            commands.append(("a new ticket", _post(f"{v1}/tickets/create.php", ticket)))
        if s.credential_id is not None:
            url = f"{v1}/credentials/read.php?api_key={key}&credential_id={s.credential_id}"
            body = json.dumps({"api_key_decrypt_password": self.decrypt_password})
            commands.append(
                (
                    "a credential, decrypted (the password travels in the JSON body)",
                    f"curl -X GET \"{url}\" -H 'Content-Type: application/json' -d '{body}'",
                )
            )
        if s.client_id is not None:
            commands.append(
                (f"{s.client_name}'s assets", f'curl "{v1}/assets/read.php?api_key={key}&client_id={s.client_id}"')
            )
        if s.phone is not None:
            commands.append(("api.php: who is calling", f'curl "{legacy}&cid={s.phone}"'))
        commands.append(("api.php: XML phonebook", f'curl "{legacy}&phonebook"'))
        commands.append(("api.php: primary contacts' emails", f'curl "{legacy}&client_emails"'))
        if s.client_id is not None:
            commands.append((f"api.php: {s.client_name}'s balance", f'curl "{legacy}&client_id={s.client_id}"'))
            scoped = f"{base_url}/api.php?api_key={self.scoped_api_key}"
            commands.append(
                (
                    f"api.php: add an asset with the {s.client_name}-only key",
                    f'curl "{scoped}&add_asset=EXC-LT02&type=Laptop&make=Lenovo&model=ThinkPad%20X1&os=Windows%2011"',
                )
            )
        return commands

    def print(self, console: Console, base_url: str) -> None:
        def out(text: str) -> None:
            # No markup, highlighting or wrapping: every line must paste into a shell exactly.
            console.print(text, markup=False, highlight=False, soft_wrap=True)

        console.print("[bold]ITFlow API v1 and legacy api.php[/bold]")
        out("  all clients key:")
        out(f"    api_key:                  {self.api_key}")
        out(f"    api_key_decrypt_password: {self.decrypt_password}")
        out(f"  {self.samples.client_name or 'one client'} only key:")
        out(f"    api_key:                  {self.scoped_api_key}")
        out(f"    api_key_decrypt_password: {self.scoped_decrypt_password}")
        console.print("[yellow]  Copy them now: keys are stored hashed and cannot be shown again.[/yellow]")
        for what, command in self.commands(base_url):
            out(f"\n# {what}")
            out(command)


def _post(url: str, body: dict[str, Any]) -> str:
    return f"curl -X POST \"{url}\" -H 'Content-Type: application/json' -d '{json.dumps(body)}'"


def seed_itflow(session: Session, secret: ServerSecret, company_id: int, *, fresh: bool) -> ITFlowDemo:
    """Inserts the demo data into a fresh company, then issues an all-clients and a one-client key.

    On a company that already has its data (`fresh` False) only the keys are new, so running the demo
    again never duplicates anything.
    """
    settings = ensure_company_setup(session, secret, company_id)
    if fresh:
        data_key = crypto.open_company_data_key(secret, company_id, settings.sealed_data_key)
        _Seeder(session, company_id, data_key, settings).run()
    samples = _samples(session, company_id)
    everything = create_key(session, secret, company_id=company_id, name="demo (all clients)")
    scoped = create_key(
        session,
        secret,
        company_id=company_id,
        name=f"demo ({samples.client_name or 'one client'} only)",
        client_id=samples.client_id,
    )
    return ITFlowDemo(everything.api_key, everything.decrypt_password, scoped.api_key, scoped.decrypt_password, samples)


def _samples(session: Session, company_id: int) -> DemoSamples:
    samples = DemoSamples()
    client = session.scalar(
        select(models.Client).where(models.Client.company_id == company_id).order_by(models.Client.client_id).limit(1)
    )
    if client is None:
        return samples
    samples.client_id, samples.client_name = client.client_id, client.client_name
    phone = session.scalar(
        select(models.Contact.contact_phone)
        .where(models.Contact.company_id == company_id, models.Contact.contact_client_id == client.client_id)
        .order_by(models.Contact.contact_primary.desc(), models.Contact.contact_id)
        .limit(1)
    )
    if phone and len(phone) == 11:
        # Shown the way a phone system might send it; api.php compares the digits only.
        samples.phone = f"{phone[0]}-{phone[1:4]}-{phone[4:7]}-{phone[7:]}"
    samples.asset_id = session.scalar(
        select(models.Asset.asset_id)
        .where(models.Asset.company_id == company_id, models.Asset.asset_client_id == client.client_id)
        .order_by(models.Asset.asset_id)
        .limit(1)
    )
    samples.credential_id = session.scalar(
        select(models.Credential.credential_id)
        .where(models.Credential.company_id == company_id)
        .order_by(models.Credential.credential_id)
        .limit(1)
    )
    return samples


class _Seeder:
    """Inserts the demo rows of one company; ids of what later rows refer to are kept by name."""

    def __init__(self, session: Session, company_id: int, data_key: bytes, settings: models.ITFlowSettings) -> None:
        self.session = session
        self.company_id = company_id
        self.data_key = data_key
        self.settings = settings
        self.today = dt.date.today()
        self.now = utc_now()
        # Serial numbers, MAC addresses and licence keys look random but are the same on every install.
        self.random = random.Random(20261129)
        self.vendors: dict[str, int] = {}
        self.clients: dict[str, int] = {}
        self.primary_contacts: dict[str, int] = {}
        self.assets: dict[tuple[str, str], int] = {}

    def add(self, row: Row) -> Row:
        self.session.add(row)
        self.session.flush()
        return row

    def run(self) -> None:
        for name, description, contact, phone, website in VENDORS:
            self.vendors[name] = self.vendor(name, description, contact, phone, website, client_id=0)
        for number, client in enumerate(CLIENTS, start=1):
            self.client(number, client)
        for credential in CREDENTIALS:
            self.credential(*credential)
        for ticket in TICKETS:
            self.ticket(*ticket)
        self.invoices()

    def vendor(self, name: str, description: str, contact: str, phone: str, website: str, client_id: int) -> int:
        vendor = models.Vendor(
            company_id=self.company_id,
            vendor_name=name,
            vendor_description=description,
            vendor_contact_name=contact,
            vendor_phone=phone,
            vendor_email=f"support@{website}",
            vendor_website=website,
            vendor_hours="Mon-Fri 8:00-18:00",
            vendor_account_number=f"ACCT-{self.random.randint(100000, 999999)}",
            vendor_client_id=client_id,
        )
        return self.add(vendor).vendor_id

    def client(self, number: int, client: DemoClient) -> None:
        row = self.add(
            models.Client(
                company_id=self.company_id,
                client_name=client.name,
                client_type=client.client_type,
                client_website=client.domain,
                client_rate=client.rate,
                client_currency_code="USD",
                client_net_terms=30,
                client_abbreviation=client.abbreviation,
                client_notes="Managed services: monitoring, patching, help desk.",
            )
        )
        client_id = self.clients[client.name] = row.client_id
        location_id = self.location(client, client_id)
        for index, (name, title, mailbox) in enumerate(client.contacts):
            contact_id = self.contact(client, client_id, location_id, index, name, title, mailbox)
            if index == 0:
                self.primary_contacts[client.name] = contact_id
        network_id = self.networks(number, client_id, location_id)
        if client.own_vendor is not None:
            self.vendors[client.own_vendor[0]] = self.vendor(*client.own_vendor, client_id=client_id)
        for template in ASSET_TEMPLATES[: client.asset_count]:
            self.asset(number, client, client_id, location_id, network_id, template)
        domain_id = self.domain(number, client, client_id)
        self.certificate(number, client, client_id, domain_id)
        for name in ("Microsoft 365 Business Premium", *client.software):
            self.software(client, client_id, name)

    def location(self, client: DemoClient, client_id: int) -> int:
        street, city, state, zip_code = client.address
        location = models.Location(
            company_id=self.company_id,
            location_name="Headquarters",
            location_country="United States",
            location_address=street,
            location_city=city,
            location_state=state,
            location_zip=zip_code,
            # Locations keep numbers as people type them; caller ID still finds them by their digits.
            location_phone=f"+1 ({client.area_code}) 555-0100",
            location_hours="Mon-Fri 8:00-17:00",
            location_primary=1,
            location_client_id=client_id,
        )
        return self.add(location).location_id

    def contact(
        self,
        client: DemoClient,
        client_id: int,
        location_id: int,
        index: int,
        name: str,
        title: str,
        mailbox: str,
    ) -> int:
        contact = models.Contact(
            company_id=self.company_id,
            contact_name=name,
            contact_title=title,
            contact_email=f"{mailbox}@{client.domain}",
            # Contacts' numbers are digits only, as the API stores them.
            contact_phone=f"1{client.area_code}55501{10 + index}",
            contact_extension=str(100 + index),
            contact_mobile=f"1{client.area_code}55501{50 + index}",
            contact_primary=1 if index == 0 else 0,
            contact_important=1 if index == 0 else 0,
            contact_billing=1 if "Accounts" in title or index == 0 else 0,
            contact_technical=1 if "IT" in title else 0,
            contact_location_id=location_id,
            contact_department="Management" if index == 0 else "Operations",
            contact_client_id=client_id,
        )
        return self.add(contact).contact_id

    def networks(self, number: int, client_id: int, location_id: int) -> int:
        """The office LAN (whose id the assets' interfaces take) and a guest Wi-Fi."""
        self.session.add(
            models.Network(
                company_id=self.company_id,
                network_name="Guest Wi-Fi",
                network_vlan=99,
                network=f"10.{number}.99.0/24",
                network_subnet="255.255.255.0",
                network_gateway=f"10.{number}.99.1",
                network_dhcp_range=f"10.{number}.99.100-10.{number}.99.250",
                network_location_id=location_id,
                network_client_id=client_id,
            )
        )
        network = models.Network(
            company_id=self.company_id,
            network_name="Office LAN",
            network_description="Wired and staff Wi-Fi",
            network_vlan=10,
            network=f"10.{number}.10.0/24",
            network_subnet="255.255.255.0",
            network_gateway=f"10.{number}.10.1",
            network_primary_dns=f"10.{number}.10.10",
            network_secondary_dns="1.1.1.1",
            network_dhcp_range=f"10.{number}.10.100-10.{number}.10.200",
            network_location_id=location_id,
            network_client_id=client_id,
        )
        return self.add(network).network_id

    def asset(
        self,
        number: int,
        client: DemoClient,
        client_id: int,
        location_id: int,
        network_id: int,
        template: tuple[str, str, str, str, str, int, str],
    ) -> None:
        asset_type, suffix, make, model, os_name, octet, vendor = template
        purchased = self.today - dt.timedelta(days=self.random.randint(120, 1100))
        asset = self.add(
            models.Asset(
                company_id=self.company_id,
                asset_type=asset_type,
                asset_name=f"{client.abbreviation}-{suffix}",
                asset_description=f"{make} {model}",
                asset_make=make,
                asset_model=model,
                asset_serial="".join(self.random.choices("ABCDEFGHJKLMNPQRSTUVWXYZ0123456789", k=10)),
                asset_os=os_name,
                asset_status="Deployed",
                asset_purchase_date=purchased,
                asset_warranty_expire=purchased + dt.timedelta(days=3 * 365),
                asset_install_date=purchased + dt.timedelta(days=7),
                asset_physical_location="Server closet" if asset_type in ("Server", "Firewall") else "Office",
                asset_vendor_id=self.vendors.get(vendor, 0),
                asset_location_id=location_id,
                asset_contact_id=self.primary_contacts[client.name] if asset_type == "Laptop" else 0,
                asset_client_id=client_id,
            )
        )
        self.assets[(client.name, suffix)] = asset.asset_id
        mac = ":".join(f"{self.random.randint(0, 255):02X}" for _ in range(6))
        self.session.add(
            models.AssetInterface(
                company_id=self.company_id,
                interface_name="1",
                interface_type="Ethernet",
                interface_mac=mac,
                interface_ip=f"10.{number}.10.{octet}",
                interface_primary=1,
                interface_network_id=network_id,
                interface_asset_id=asset.asset_id,
            )
        )

    def domain(self, number: int, client: DemoClient, client_id: int) -> int:
        domain = models.Domain(
            company_id=self.company_id,
            domain_name=client.domain,
            domain_description="Main website and email",
            domain_expire=self.today + dt.timedelta(days=25 + 60 * number),
            domain_ip=f"203.0.113.{10 + number}",
            domain_name_servers=f"ns1.{client.domain}, ns2.{client.domain}",
            domain_mail_servers=f"{client.domain.replace('.', '-')}.mail.protection.outlook.example",
            domain_txt="v=spf1 include:spf.protection.outlook.example -all",
            domain_registrar=self.vendors["Namecheap"],
            domain_client_id=client_id,
        )
        return self.add(domain).domain_id

    def certificate(self, number: int, client: DemoClient, client_id: int, domain_id: int) -> None:
        self.session.add(
            models.Certificate(
                company_id=self.company_id,
                certificate_name=f"{client.domain} website",
                certificate_description="Public TLS certificate of the website",
                certificate_domain=f"www.{client.domain}",
                certificate_issued_by="Let's Encrypt" if number % 2 else "Sectigo Limited",
                # The first one expires soon, so there is something to renew.
                certificate_expire=self.today + dt.timedelta(days=12 if number == 1 else 30 * number),
                certificate_domain_id=domain_id,
                certificate_client_id=client_id,
            )
        )

    def software(self, client: DemoClient, client_id: int, name: str) -> None:
        software_type, license_type, vendor = SOFTWARE[name]
        key = "-".join("".join(self.random.choices("BCDFGHJKMPQRTVWXY2346789", k=5)) for _ in range(5))
        self.session.add(
            models.Software(
                company_id=self.company_id,
                software_name=name,
                software_type=software_type,
                software_license_type=license_type,
                software_key=None if license_type == "Subscription" else key,
                software_seats=len(client.contacts) * 5,
                software_purchase=self.today - dt.timedelta(days=200),
                software_expire=self.today + dt.timedelta(days=165) if license_type == "Subscription" else None,
                software_vendor_id=self.vendors.get(vendor, 0),
                software_client_id=client_id,
            )
        )

    def credential(self, client: str, name: str, description: str, username: str, uri: str, asset: str) -> None:
        password = new_token(20)

        def sealed(column: str, plaintext: str) -> str:
            # Sealed for the column it is stored in, as the credentials endpoints open it.
            return crypto.encrypt_field(self.data_key, self.company_id, column, plaintext)

        self.session.add(
            models.Credential(
                company_id=self.company_id,
                credential_name=name,
                credential_description=description,
                credential_category="Admin",
                credential_uri=uri,
                credential_username=sealed("credential_username", username),
                credential_password=sealed("credential_password", password),
                credential_asset_id=self.assets.get((client, asset), 0),
                credential_client_id=self.clients[client],
            )
        )

    def ticket(
        self,
        client: str,
        subject: str,
        details: str,
        priority: str,
        status: int,
        source: str,
        days_ago: int,
        replies: tuple[tuple[str, str, int], ...],
    ) -> None:
        created = self.now - dt.timedelta(days=days_ago, hours=3)
        settled = created + dt.timedelta(hours=26) if status in (4, 5) else None
        number = self.settings.ticket_next_number
        self.settings.ticket_next_number = number + 1
        ticket = self.add(
            models.Ticket(
                company_id=self.company_id,
                ticket_prefix=self.settings.ticket_prefix,
                ticket_number=number,
                ticket_source=source,
                ticket_subject=subject,
                ticket_details=f"<p>{details}</p>",
                ticket_priority=priority,
                ticket_status=status,
                ticket_billable=1,
                ticket_url_key=new_token(32),
                ticket_created_at=created,
                ticket_first_response_at=created + dt.timedelta(minutes=40) if replies else None,
                ticket_resolved_at=settled,
                ticket_closed_at=settled if status == 5 else None,
                ticket_client_id=self.clients[client],
                ticket_contact_id=self.primary_contacts[client],
            )
        )
        for hour, (reply_type, text, minutes) in enumerate(replies, start=1):
            self.session.add(
                models.TicketReply(
                    company_id=self.company_id,
                    ticket_reply=f"<p>{text}</p>",
                    ticket_reply_type=reply_type,
                    ticket_reply_time_worked=dt.time(minutes // 60, minutes % 60),
                    ticket_reply_created_at=created + dt.timedelta(hours=hour),
                    ticket_reply_ticket_id=ticket.ticket_id,
                )
            )

    def invoices(self) -> None:
        number = 0
        for client in CLIENTS:
            for months_ago, (status, amount, paid) in enumerate(reversed(client.invoices)):
                number += 1
                issued = self.today - dt.timedelta(days=30 * months_ago + 5)
                invoice = self.add(
                    models.Invoice(
                        company_id=self.company_id,
                        invoice_prefix="INV-",
                        invoice_number=number,
                        invoice_scope=f"Managed services {issued:%B %Y}",
                        invoice_status=status,
                        invoice_date=issued,
                        invoice_due=issued + dt.timedelta(days=30),
                        invoice_amount=amount,
                        invoice_currency_code="USD",
                        invoice_url_key=new_token(32),
                        invoice_client_id=self.clients[client.name],
                    )
                )
                if paid:
                    self.session.add(
                        models.Payment(
                            company_id=self.company_id,
                            payment_date=issued + dt.timedelta(days=12),
                            payment_amount=paid,
                            payment_currency_code="USD",
                            payment_method="Bank Transfer" if paid == amount else "Credit Card",
                            payment_reference=f"PMT-{invoice.invoice_id:05d}",
                            payment_invoice_id=invoice.invoice_id,
                        )
                    )
        self.session.flush()
