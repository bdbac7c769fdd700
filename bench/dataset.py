"""The bench data set: one company, an all-clients key and a realistic MSP's worth of ITFlow records.

Rows are generated deterministically (seeded) with explicit ids laid out per client, so that wrk's Lua
scripts can pick valid ids without asking the database: client c (1-based index i) owns contacts
(i-1)*C+1 .. i*C, assets (i-1)*A+1 .. i*A (each with its primary interface, same id) and tickets
(i-1)*T+1 .. i*T, numbered 1..N.

Loading is bulk: SQLAlchemy Core `insert()` executemany in chunks on SQLite, COPY on PostgreSQL. The
company and key go through flowsuite's own services (`create_company`, `create_key`), so the key works
exactly as an operator-issued one does.
"""

from __future__ import annotations

import datetime as dt
import random
import string
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Table, insert, text

from flowsuite.core.db import Database, utc_now
from flowsuite.core.secrets import ServerSecret
from flowsuite.itflow import models
from flowsuite.itflow.keys import create_key
from flowsuite.tenancy.service import create_company

Row = dict[str, Any]
CHUNK = 5_000
SEED = 20261201


@dataclass(frozen=True)
class Shape:
    """How much data: clients, and per client contacts, assets (one primary interface each), tickets."""

    clients: int = 2_000
    contacts_per_client: int = 10
    assets_per_client: int = 25
    tickets_per_client: int = 10

    @property
    def contacts(self) -> int:
        return self.clients * self.contacts_per_client

    @property
    def assets(self) -> int:
        return self.clients * self.assets_per_client

    @property
    def tickets(self) -> int:
        return self.clients * self.tickets_per_client

    def scaled(self, factor: float) -> Shape:
        return Shape(
            max(1, round(self.clients * factor)),
            self.contacts_per_client,
            self.assets_per_client,
            self.tickets_per_client,
        )


@dataclass
class Loaded:
    """What the load produced: the company, its key, the id ranges and the time each step took."""

    company_id: int
    api_key: str
    shape: Shape
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def total_seconds(self) -> float:
        return sum(self.timings.values())


# ---- realistic values ------------------------------------------------------------------------------

_NAME_A = (
    "Northwind",
    "Blue Ridge",
    "Summit",
    "Harbor",
    "Cedar",
    "Granite",
    "Silver Lake",
    "Redwood",
    "Ironclad",
    "Maple",
    "Riverside",
    "Lakeshore",
    "Pioneer",
    "Keystone",
    "Evergreen",
    "Golden Gate",
    "Highland",
    "Sterling",
    "Bright Path",
    "Clearwater",
    "Oakridge",
    "Westbrook",
    "Falcon",
    "Beacon",
    "Prairie",
    "Coastal",
    "Crescent",
    "Horizon",
    "Liberty",
    "Meridian",
    "Pinnacle",
    "Quantum",
    "Sapphire",
    "Trident",
    "Unity",
    "Vanguard",
    "Willow",
    "Apex",
    "Copper Creek",
    "Stonebridge",
)
_NAME_B = (
    "Dental",
    "Legal",
    "Accounting",
    "Logistics",
    "Manufacturing",
    "Realty",
    "Veterinary",
    "Engineering",
    "Insurance",
    "Architects",
    "Pharmacy",
    "Construction",
    "Consulting",
    "Medical",
    "Foods",
    "Marine",
    "Design",
    "Capital",
    "Education",
    "Hospitality",
    "Auto Group",
    "Printing",
    "Labs",
    "Outfitters",
    "Plumbing",
    "Electric",
    "Wealth",
    "Family Clinic",
    "Brewing",
    "Transport",
    "Properties",
    "Studios",
    "Orthodontics",
    "Roofing",
    "Nonprofit",
    "Health",
    "Tax Services",
    "Landscaping",
    "Optometry",
    "Supply",
)
_NAME_C = ("LLC", "Inc", "Ltd", "Group", "Partners", "Co", "Associates", "PLLC")
_CLIENT_TYPES = (
    "Healthcare",
    "Legal",
    "Accounting",
    "Manufacturing",
    "Retail",
    "Non-profit",
    "Education",
    "Construction",
    "Real Estate",
    "Hospitality",
    "Finance",
)
_REFERRALS = ("Customer referral", "Web search", "Trade show", "Partner", "Cold call", "LinkedIn", None)
_FIRST = (
    "James",
    "Mary",
    "Robert",
    "Patricia",
    "John",
    "Jennifer",
    "Michael",
    "Linda",
    "David",
    "Elizabeth",
    "William",
    "Barbara",
    "Richard",
    "Susan",
    "Joseph",
    "Jessica",
    "Thomas",
    "Sarah",
    "Carlos",
    "Karen",
    "Daniel",
    "Lisa",
    "Matthew",
    "Nancy",
    "Anthony",
    "Sandra",
    "Mark",
    "Ashley",
    "Andrei",
    "Ioana",
    "Mihai",
    "Elena",
    "Priya",
    "Wei",
    "Fatima",
    "Lars",
    "Sofia",
    "Mateo",
    "Aisha",
    "Kenji",
)
_LAST = (
    "Smith",
    "Johnson",
    "Williams",
    "Brown",
    "Jones",
    "Garcia",
    "Miller",
    "Davis",
    "Rodriguez",
    "Martinez",
    "Hernandez",
    "Lopez",
    "Gonzalez",
    "Wilson",
    "Anderson",
    "Thomas",
    "Taylor",
    "Moore",
    "Jackson",
    "Martin",
    "Lee",
    "Perez",
    "Thompson",
    "White",
    "Harris",
    "Clark",
    "Lewis",
    "Robinson",
    "Walker",
    "Young",
    "Popescu",
    "Ionescu",
    "Nguyen",
    "Kim",
    "Patel",
    "Schmidt",
    "Rossi",
    "Silva",
    "Kowalski",
    "Tanaka",
)
_TITLES = (
    "Office Manager",
    "Owner",
    "CEO",
    "Controller",
    "Practice Manager",
    "Receptionist",
    "Bookkeeper",
    "Operations Director",
    "IT Coordinator",
    "Paralegal",
    "Hygienist",
    "Project Manager",
    "Accountant",
    "Sales Lead",
    "HR Manager",
    None,
)
_DEPARTMENTS = ("Administration", "Finance", "Operations", "Sales", "Front Desk", "Management", "Warehouse", None)
# type -> (code, makes and models, operating systems)
_ASSET_KINDS: tuple[tuple[str, str, tuple[tuple[str, str], ...], tuple[str | None, ...], int], ...] = (
    (
        "Desktop",
        "DT",
        (("Dell", "OptiPlex 7010"), ("HP", "EliteDesk 800 G9"), ("Lenovo", "ThinkCentre M90q")),
        ("Windows 11 Pro", "Windows 10 Pro"),
        30,
    ),
    (
        "Laptop",
        "LT",
        (
            ("Dell", "Latitude 5440"),
            ("Lenovo", "ThinkPad T14 Gen 4"),
            ("Apple", "MacBook Air M2"),
            ("HP", "EliteBook 840 G10"),
        ),
        ("Windows 11 Pro", "macOS 14 Sonoma"),
        30,
    ),
    (
        "Server",
        "SRV",
        (("Dell", "PowerEdge R650"), ("HPE", "ProLiant DL360 Gen11")),
        ("Windows Server 2022", "Ubuntu 22.04 LTS", "VMware ESXi 8.0"),
        4,
    ),
    (
        "Firewall/Router",
        "FW",
        (("Fortinet", "FortiGate 60F"), ("SonicWall", "TZ370"), ("Ubiquiti", "UDM Pro")),
        ("FortiOS 7.2", "SonicOS 7", "UniFi OS"),
        3,
    ),
    (
        "Switch",
        "SW",
        (("Cisco", "Catalyst 1000-24T"), ("Ubiquiti", "USW-Pro-24-PoE"), ("Aruba", "CX 6100")),
        (None,),
        5,
    ),
    ("Access Point", "AP", (("Ubiquiti", "U6 Pro"), ("Aruba", "AP-505"), ("Meraki", "MR36")), (None,), 6),
    (
        "Printer",
        "PRN",
        (("HP", "LaserJet Pro M404"), ("Brother", "MFC-L8900CDW"), ("Canon", "imageRUNNER C3226")),
        (None,),
        6,
    ),
    ("Mobile Phone", "MOB", (("Apple", "iPhone 14"), ("Samsung", "Galaxy S23")), ("iOS 17", "Android 14"), 10),
    (
        "Virtual Machine",
        "VM",
        (("VMware", "Virtual Platform"), ("Microsoft", "Hyper-V")),
        ("Windows Server 2019", "Windows Server 2022", "Debian 12"),
        6,
    ),
)
_ASSET_WEIGHTS = tuple(kind[4] for kind in _ASSET_KINDS)
_ASSET_STATUS = ("Deployed",) * 8 + ("Ready To Deploy", "In Repair", "Broken - Not Repairable", "Retired")
_PLACES = ("Front office", "Server room", "Reception", "Conference room", "Back office", "Warehouse", None)
_SUBJECTS = (
    "Outlook keeps asking for password",
    "Printer offline on second floor",
    "New hire laptop setup",
    "VPN disconnects every few minutes",
    "Cannot access shared drive",
    "Request: add user to Teams channel",
    "Slow internet at the front desk",
    "Phishing email reported",
    "Backup job failed overnight",
    "Replace failing hard drive",
    "MFA reset needed",
    "QuickBooks will not open",
    "Wi-Fi drops in conference room",
    "Firewall firmware update",
    "Scanner not sending to email",
    "Password reset",
    "Monitor flickering",
    "Offboard departing employee",
    "Renew SSL certificate",
    "Server disk space low",
)
_SOURCES = ("Email", "Phone", "Portal", "Agent", "Walk-in")
_CATEGORIES = ("Hardware", "Software", "Network", "Security", "Accounts", "Onboarding", None)
_PRIORITIES = ("Low", "Medium", "Medium", "High")
_STATUS_WEIGHTS = (10, 25, 8, 12, 45)  # New, Open, On Hold, Resolved, Closed


def _slug(name: str) -> str:
    return "".join(ch for ch in name.lower() if ch.isalnum())


def _abbreviation(name: str) -> str:
    return "".join(word[0] for word in name.split() if word[0].isalpha()).upper()[:6]


def _moment(rng: random.Random, now: dt.datetime, days_back: int) -> dt.datetime:
    return now - dt.timedelta(seconds=rng.randrange(days_back * 86_400))


def _after(rng: random.Random, start: dt.datetime, now: dt.datetime) -> dt.datetime:
    span = int((now - start).total_seconds())
    return start + dt.timedelta(seconds=rng.randrange(max(span, 1)))


def _phone(rng: random.Random) -> str:
    return f"{rng.randint(201, 989)}{rng.randint(200, 999)}{rng.randint(1000, 9999)}"


class Generator:
    """Yields every table's rows (dicts with every column of the table) for one company."""

    def __init__(self, company_id: int, shape: Shape, seed: int = SEED) -> None:
        self.company_id = company_id
        self.shape = shape
        self.rng = random.Random(seed)
        self.now = utc_now()
        self.client_names: list[str] = []
        self.client_created: list[dt.datetime] = []
        self.domains: list[str] = []

    def clients(self) -> Iterator[Row]:
        rng, now = self.rng, self.now
        combos = [f"{a} {b} {c}" for a in _NAME_A for b in _NAME_B for c in _NAME_C]
        rng.shuffle(combos)
        for index in range(self.shape.clients):
            name = combos[index] if index < len(combos) else f"{combos[index % len(combos)]} {index}"
            created = _moment(rng, now, 3 * 365)
            domain = _slug(name.rsplit(" ", 1)[0]) + rng.choice((".com", ".com", ".net", ".org", ".us"))
            self.client_names.append(name)
            self.client_created.append(created)
            self.domains.append(domain)
            yield {
                "client_id": index + 1,
                "company_id": self.company_id,
                "client_lead": 1 if rng.random() < 0.05 else 0,
                "client_name": name,
                "client_type": rng.choice(_CLIENT_TYPES),
                "client_website": domain,
                "client_referral": rng.choice(_REFERRALS),
                "client_rate": rng.choice((75, 85, 95, 110, 125, 150, 175)),
                "client_currency_code": rng.choice(("USD", "USD", "USD", "EUR", "GBP", "CAD")),
                "client_net_terms": rng.choice((0, 15, 30, 30, 45, 60)),
                "client_tax_id_number": f"{rng.randint(10, 99)}-{rng.randint(1_000_000, 9_999_999)}",
                "client_abbreviation": _abbreviation(name),
                "client_notes": rng.choice(
                    (
                        None,
                        None,
                        "Prefers email contact.",
                        "After-hours support contract.",
                        "Billing via PO only.",
                        "On-site visits Tuesdays.",
                    )
                ),
                "client_favorite": 1 if rng.random() < 0.03 else 0,
                "client_created_at": created,
                "client_updated_at": _after(rng, created, now) if rng.random() < 0.6 else None,
                "client_archived_at": _after(rng, created, now) if rng.random() < 0.02 else None,
                "client_accessed_at": _after(rng, created, now),
            }

    def contacts(self) -> Iterator[Row]:
        rng, now, per = self.rng, self.now, self.shape.contacts_per_client
        for client_index in range(self.shape.clients):
            domain = self.domains[client_index]
            seen: set[str] = set()
            for k in range(per):
                first, last = rng.choice(_FIRST), rng.choice(_LAST)
                email = f"{first}.{last}@{domain}".lower()
                if email in seen:
                    email = f"{first}.{last}{k}@{domain}".lower()
                seen.add(email)
                created = _after(rng, self.client_created[client_index], now)
                yield {
                    "contact_id": client_index * per + k + 1,
                    "company_id": self.company_id,
                    "contact_name": f"{first} {last}",
                    "contact_title": rng.choice(_TITLES),
                    "contact_email": email,
                    "contact_phone_country_code": "1",
                    "contact_phone": _phone(rng),
                    "contact_extension": str(rng.randint(100, 499)) if rng.random() < 0.3 else None,
                    "contact_mobile_country_code": "1",
                    "contact_mobile": _phone(rng) if rng.random() < 0.7 else None,
                    "contact_photo": None,
                    "contact_pin": f"{rng.randint(0, 9999):04d}" if rng.random() < 0.2 else None,
                    "contact_notes": rng.choice((None, None, None, "Approves purchases.", "Works remotely.")),
                    "contact_primary": 1 if k == 0 else 0,
                    "contact_important": 1 if k == 0 or rng.random() < 0.1 else 0,
                    "contact_billing": 1 if k == 0 else 0,
                    "contact_technical": 1 if k == 1 else 0,
                    "contact_created_at": created,
                    "contact_updated_at": _after(rng, created, now) if rng.random() < 0.4 else None,
                    "contact_archived_at": _after(rng, created, now) if rng.random() < 0.01 else None,
                    "contact_accessed_at": _after(rng, created, now) if rng.random() < 0.5 else None,
                    "contact_location_id": 0,
                    "contact_vendor_id": 0,
                    "contact_user_id": 0,
                    "contact_department": rng.choice(_DEPARTMENTS),
                    "contact_client_id": client_index + 1,
                }

    def assets_and_interfaces(self) -> tuple[list[Row], list[Row]]:
        rng, now, per = self.rng, self.now, self.shape.assets_per_client
        contacts_per = self.shape.contacts_per_client
        assets: list[Row] = []
        interfaces: list[Row] = []
        for client_index in range(self.shape.clients):
            abbreviation = _abbreviation(self.client_names[client_index])[:4] or "CL"
            counters: dict[str, int] = {}
            for k in range(per):
                asset_id = client_index * per + k + 1
                kind, code, makes, systems, _ = rng.choices(_ASSET_KINDS, _ASSET_WEIGHTS)[0]
                make, model = rng.choice(makes)
                counters[code] = counters.get(code, 0) + 1
                created = _after(rng, self.client_created[client_index], now)
                purchased = (created - dt.timedelta(days=rng.randint(0, 60))).date()
                end_user = kind in ("Desktop", "Laptop", "Mobile Phone")
                ip = f"10.{client_index // 250}.{client_index % 250}.{k + 10}"
                assets.append(
                    {
                        "asset_id": asset_id,
                        "company_id": self.company_id,
                        "asset_type": kind,
                        "asset_name": f"{abbreviation}-{code}-{counters[code]:03d}",
                        "asset_description": rng.choice(
                            (None, None, f"{kind} for {rng.choice(_DEPARTMENTS) or 'staff'}")
                        ),
                        "asset_make": make,
                        "asset_model": model,
                        "asset_serial": "".join(rng.choices(string.ascii_uppercase + string.digits, k=10)),
                        "asset_os": rng.choice(systems),
                        "asset_uri": f"https://{ip}" if kind in ("Server", "Firewall/Router", "Switch") else None,
                        "asset_uri_2": None,
                        "asset_uri_client": None,
                        "asset_status": rng.choice(_ASSET_STATUS),
                        "asset_purchase_reference": f"PO-{rng.randint(10_000, 99_999)}",
                        "asset_purchase_date": purchased,
                        "asset_warranty_expire": purchased + dt.timedelta(days=3 * 365),
                        "asset_install_date": purchased + dt.timedelta(days=rng.randint(1, 30)),
                        "asset_photo": None,
                        "asset_physical_location": rng.choice(_PLACES),
                        "asset_notes": rng.choice(
                            (None, None, None, "Under extended warranty.", "Replace next cycle.")
                        ),
                        "asset_favorite": 1 if rng.random() < 0.02 else 0,
                        "asset_created_at": created,
                        "asset_updated_at": _after(rng, created, now) if rng.random() < 0.5 else None,
                        "asset_archived_at": _after(rng, created, now) if rng.random() < 0.01 else None,
                        "asset_accessed_at": _after(rng, created, now) if rng.random() < 0.3 else None,
                        "asset_vendor_id": 0,
                        "asset_location_id": 0,
                        "asset_contact_id": client_index * contacts_per + rng.randrange(contacts_per) + 1
                        if end_user
                        else 0,
                        "asset_client_id": client_index + 1,
                    }
                )
                wireless = kind in ("Laptop", "Mobile Phone", "Access Point") and rng.random() < 0.5
                interfaces.append(
                    {
                        "interface_id": asset_id,
                        "company_id": self.company_id,
                        "interface_name": "Wi-Fi" if wireless else rng.choice(("eth0", "Ethernet", "LAN", "NIC1")),
                        "interface_description": rng.choice((None, "Primary interface")),
                        "interface_type": "Wi-Fi" if wireless else "Ethernet",
                        "interface_mac": ":".join(f"{rng.randrange(256):02X}" for _ in range(6)),
                        "interface_ip": ip,
                        "interface_nat_ip": None,
                        "interface_ipv6": None,
                        "interface_notes": None,
                        "interface_primary": 1,
                        "interface_created_at": created,
                        "interface_updated_at": None,
                        "interface_archived_at": None,
                        "interface_network_id": None,
                        "interface_asset_id": asset_id,
                    }
                )
        return assets, interfaces

    def tickets(self) -> Iterator[Row]:
        rng, now, per = self.rng, self.now, self.shape.tickets_per_client
        contacts_per, assets_per = self.shape.contacts_per_client, self.shape.assets_per_client
        for client_index in range(self.shape.clients):
            for k in range(per):
                ticket_id = client_index * per + k + 1
                status = rng.choices((1, 2, 3, 4, 5), _STATUS_WEIGHTS)[0]
                created = _after(rng, self.client_created[client_index], now)
                responded = _after(rng, created, now) if status > 1 else None
                resolved = _after(rng, responded, now) if responded is not None and status >= 4 else None
                closed = _after(rng, resolved, now) if resolved is not None and status == 5 else None
                subject = rng.choice(_SUBJECTS)
                yield {
                    "ticket_id": ticket_id,
                    "company_id": self.company_id,
                    "ticket_prefix": "TCK-",
                    "ticket_number": ticket_id,
                    "ticket_source": rng.choice(_SOURCES),
                    "ticket_category": rng.choice(_CATEGORIES),
                    "ticket_subject": subject,
                    "ticket_details": f"<p>{subject}. Reported by the client; steps to reproduce and screenshots "
                    f"attached in the original email.</p>",
                    "ticket_priority": rng.choice(_PRIORITIES),
                    "ticket_status": status,
                    "ticket_sla_id": 0,
                    "ticket_billable": 1 if rng.random() < 0.4 else 0,
                    "ticket_schedule": None,
                    "ticket_onsite": 1 if rng.random() < 0.05 else 0,
                    "ticket_vendor_ticket_number": None,
                    "ticket_feedback": rng.choice(("Good", None, None)) if status == 5 else None,
                    "ticket_url_key": "".join(rng.choices(string.ascii_letters + string.digits, k=32)),
                    "ticket_created_at": created,
                    "ticket_updated_at": responded,
                    "ticket_due_at": None,
                    "ticket_resolved_at": resolved,
                    "ticket_archived_at": None,
                    "ticket_first_response_at": responded,
                    "ticket_response_due_at": None,
                    "ticket_resolution_due_at": None,
                    "ticket_response_sla_met": None,
                    "ticket_resolution_sla_met": None,
                    "ticket_response_sla_alert_stage": 0,
                    "ticket_resolution_sla_alert_stage": 0,
                    "ticket_closed_at": closed,
                    "ticket_created_by": 0,
                    "ticket_assigned_to": 0,
                    "ticket_closed_by": 0,
                    "ticket_vendor_id": 0,
                    "ticket_client_id": client_index + 1,
                    "ticket_contact_id": client_index * contacts_per + rng.randrange(contacts_per) + 1,
                    "ticket_location_id": 0,
                    "ticket_asset_id": client_index * assets_per + rng.randrange(assets_per) + 1
                    if rng.random() < 0.3
                    else 0,
                    "ticket_quote_id": 0,
                    "ticket_invoice_id": 0,
                    "ticket_project_id": 0,
                    "ticket_recurring_ticket_id": 0,
                    "ticket_order": 0,
                }


def _check_columns(table: Table, row: Row) -> None:
    """Every row must name exactly the table's columns (so every NOT NULL column is filled)."""
    missing = {c.name for c in table.c} - row.keys()
    extra = row.keys() - {c.name for c in table.c}
    if missing or extra:
        raise RuntimeError(f"{table.name}: rows miss {sorted(missing)} / have unknown {sorted(extra)}")
    empty = [c.name for c in table.c if not c.nullable and row[c.name] is None]
    if empty:
        raise RuntimeError(f"{table.name}: NOT NULL columns left empty: {empty}")


def _chunks(rows: Iterator[Row] | list[Row], size: int = CHUNK) -> Iterator[list[Row]]:
    chunk: list[Row] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _table(model: type[Any]) -> Table:
    table: Table = model.__table__
    return table


def load(db: Database, secret: ServerSecret, shape: Shape, log: Callable[[str], None]) -> Loaded:
    """Creates the company and key through the services, then bulk-loads every table, then ANALYZE."""
    timings: dict[str, float] = {}
    started = time.perf_counter()
    with db.transaction(write=True) as session:
        company = create_company(session, "Bench MSP", "America/New_York")
        issued = create_key(session, secret, company_id=company.id, name="bench (all clients)")
        company_id = company.id
    timings["company and key"] = time.perf_counter() - started

    generator = Generator(company_id, shape)
    clients = list(generator.clients())
    contacts = list(generator.contacts())
    assets, interfaces = generator.assets_and_interfaces()
    tickets = list(generator.tickets())
    tables: list[tuple[Table, list[Row]]] = [
        (_table(models.Client), clients),
        (_table(models.Contact), contacts),
        (_table(models.Asset), assets),
        (_table(models.AssetInterface), interfaces),
        (_table(models.Ticket), tickets),
    ]
    for table, rows in tables:
        _check_columns(table, rows[0])
    timings["generate rows"] = time.perf_counter() - started - timings["company and key"]

    postgres = db.dialect_name == "postgresql"
    for table, rows in tables:
        began = time.perf_counter()
        if postgres:
            _copy(db, table, rows)
        else:
            with db.engine.begin() as connection:
                for chunk in _chunks(rows):
                    connection.execute(insert(table), chunk)
        timings[f"load {table.name}"] = elapsed = time.perf_counter() - began
        log(f"  {table.name:<26} {len(rows):>7,} rows  {elapsed:5.2f} s  ({len(rows) / elapsed:,.0f} rows/s)")

    began = time.perf_counter()
    with db.engine.begin() as connection:
        connection.execute(
            text("UPDATE itflow_settings SET ticket_next_number = :next WHERE company_id = :company"),
            {"next": shape.tickets + 1, "company": company_id},
        )
        if postgres:
            # Explicit ids were loaded: move each id sequence past them so that creates get fresh ids.
            for table, _ in tables:
                pk = next(iter(table.primary_key.columns)).name
                connection.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{table.name}', '{pk}'), "
                        f"(SELECT max({pk}) FROM {table.name}))"
                    )
                )
        if not postgres:
            connection.execute(text("ANALYZE"))
    if postgres:
        # VACUUM (outside a transaction) sets the visibility map, as autovacuum would on a live system;
        # without it every index-only scan (a deep OFFSET) visits the heap as well.
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("VACUUM ANALYZE"))
    else:
        with db.engine.connect() as connection:
            connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    timings["settings, sequences, VACUUM/ANALYZE"] = time.perf_counter() - began
    return Loaded(company_id, issued.api_key, shape, timings)


def _copy(db: Database, table: Table, rows: list[Row]) -> None:
    columns = [c.name for c in table.c]
    raw = db.engine.raw_connection()
    try:
        cursor = raw.cursor()
        with cursor.copy(f"COPY {table.name} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row([row[name] for name in columns])
        raw.commit()
    finally:
        raw.close()
