"""The iFlow part of `flowsuite demo`: 40 employees in 4 teams, this month's plans, clockings and leaves.

Everything is derived from a fixed random seed and the current month, so the data looks lived-in (minutes
off the plan, a few leaves, people at work right now) and a second run adds nothing but new credentials.
"""

from __future__ import annotations

import datetime as dt
import random
import zoneinfo
from dataclasses import dataclass
from urllib.parse import urlencode

from rich.console import Console
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from flowsuite.core.secrets import ServerSecret
from flowsuite.iflow.calendar import national_holidays
from flowsuite.iflow.context import IFlowContext
from flowsuite.iflow.keys import add_device, create_access_token, create_api_key, ensure_company_setup
from flowsuite.iflow.models import (
    Employee,
    Event,
    EventType,
    LiveAttendanceInterval,
    RfidDevice,
    WorkScheduleInterval,
)
from flowsuite.iflow.services.sync import (
    EmployeeChanges,
    Identifier,
    SyncEmployee,
    cnp_is_valid,
    sync_policy,
    sync_user,
)
from flowsuite.tenancy.models import Company
from flowsuite.tenancy.service import zone

# Printed on the demo terminal; registered once, so every run can show it (only its hash is stored).
DEMO_SERIAL = "IFLOW-DEMO-RFID-0001"
EMPLOYEES_PER_TEAM = 10
# Team name, then its shifts as local (start, end) pairs; an end before its start is the next day.
TEAMS: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = (
    ("Producție", (("06:00", "14:00"),)),
    ("Depozit", (("07:00", "11:00"), ("11:30", "15:30"))),
    ("Logistică", (("22:00", "06:00"),)),
    ("Birou", (("09:00", "13:00"), ("13:30", "17:30"))),
)
FIRST_NAMES = (
    "Andrei", "Maria", "Ion", "Elena", "Mihai", "Ioana", "Alexandru", "Ana", "Cristian", "Gabriela",
    "Vlad", "Raluca", "Bogdan", "Diana", "Florin", "Simona", "Radu", "Alina", "Sorin", "Irina",
)  # fmt: skip
LAST_NAMES = (
    "Popescu", "Ionescu", "Popa", "Dumitrescu", "Stan", "Stoica", "Gheorghe", "Rusu", "Munteanu", "Matei",
    "Constantin", "Serban", "Moldovan", "Lazar", "Marin", "Dinu", "Tudor", "Barbu", "Nistor", "Florea",
)  # fmt: skip
_CNP_WEIGHTS = "279146358279"


@dataclass
class IFlowDemo:
    api_key: str
    token: str
    serial: str
    rfid_tag: str
    year: int
    month: int

    def commands(self, base_url: str) -> list[tuple[str, str]]:
        """(what it does, a curl command): the seed's report sample, the reception screen, a badge scan."""
        report = urlencode(
            {
                "api_key": self.api_key,
                "api_language": "ro_RO",
                "year": self.year,
                "month": f"{self.month:02d}",
                "totals": "total,overtime",
            },
            safe=",",
        )
        scan = urlencode({"access_token": self.serial, "rfid_tag": self.rfid_tag})
        api = f"{base_url}/api/api_v2"
        return [
            ("the seed's monthly report, this month", f'curl -d "{report}" -X POST {api}/user/get_work_schedule'),
            (
                "who is at work today (reception screen)",
                f'curl -H "Authorization: Bearer {self.token}" "{api}/users/get_today_status?api_language=en_US"',
            ),
            (
                "a badge scan on the RFID terminal",
                f'curl -d "{scan}" -X POST {base_url}/api/rfid_devices/auto_attendance',
            ),
        ]

    def print(self, console: Console, base_url: str) -> None:
        def out(text: str) -> None:
            # No markup, highlighting or wrapping: every line must paste into a shell exactly.
            console.print(text, markup=False, highlight=False, soft_wrap=True)

        console.print("[bold]iFlow API V2 and RFID terminals[/bold]")
        out(f"  api_key:             {self.api_key}")
        out(f"  Bearer token:        {self.token}")
        out(f"  RFID device serial:  {self.serial}  (a badge: {self.rfid_tag})")
        console.print(
            "[yellow]  Copy the key and token now: they are stored hashed and cannot be shown again.[/yellow]"
        )
        for what, command in self.commands(base_url):
            out(f"\n# {what}")
            out(command)


def seed_iflow(session: Session, secret: ServerSecret, company_id: int) -> IFlowDemo:
    """Seeds the company's iFlow data unless it has employees already, then issues a key and a token."""
    ensure_company_setup(session, company_id)
    tz = zone(session.get_one(Company, company_id).timezone)
    today = dt.datetime.now(tz).date()
    if not session.scalar(select(func.count()).select_from(Employee).where(Employee.company_id == company_id)):
        _Seeder(session, company_id, tz, today).run()
    serial_hash = secret.hash_token(DEMO_SERIAL)
    if session.scalar(select(RfidDevice.id).where(RfidDevice.serial_hash == serial_hash)) is None:
        add_device(session, secret, company_id=company_id, serial=DEMO_SERIAL, name="Front door")
    tag = session.scalar(
        select(Employee.rfid_tag).where(Employee.company_id == company_id, Employee.rfid_tag.is_not(None)).limit(1)
    )
    key = create_api_key(session, secret, company_id=company_id, name="demo payroll")
    token = create_access_token(
        session, secret, company_id=company_id, label="demo reception", administrator_name="Demo Admin"
    )
    return IFlowDemo(key.secret, token.secret, DEMO_SERIAL, tag or "", today.year, today.month)


def demo_cnp(rng: random.Random, birth: dt.date, male: bool) -> str:
    """A CNP with a right check digit: sex and century, birth date, county, serial, control."""
    sex = (1 if male else 2) + (4 if birth.year >= 2000 else 0)
    body = f"{sex}{birth:%y%m%d}{rng.randint(1, 40):02d}{rng.randint(1, 999):03d}"
    control = sum(int(d) * int(w) for d, w in zip(body, _CNP_WEIGHTS, strict=True)) % 11
    cnp = body + str(1 if control == 10 else control)
    assert cnp_is_valid(cnp)
    return cnp


def _at(day: dt.date, clock: str, tz: zoneinfo.ZoneInfo) -> dt.datetime:
    """A local wall-clock time on `day` as a naive UTC instant."""
    local = dt.datetime.combine(day, dt.time.fromisoformat(clock), tzinfo=tz)
    return local.astimezone(dt.UTC).replace(tzinfo=None)


class _Seeder:
    def __init__(self, session: Session, company_id: int, tz: zoneinfo.ZoneInfo, today: dt.date) -> None:
        self.session = session
        self.company_id = company_id
        self.tz = tz
        self.today = today
        self.rng = random.Random(20261201)
        first = today.replace(day=1)
        following = (first + dt.timedelta(days=32)).replace(day=1)
        holidays = national_holidays(today.year)
        self.workdays = [
            first + dt.timedelta(days=n)
            for n in range((following - first).days)
            if (first + dt.timedelta(days=n)).weekday() < 5 and first + dt.timedelta(days=n) not in holidays
        ]
        self.event_types = dict(
            session.execute(select(EventType.code, EventType.id).where(EventType.company_id == company_id)).all()
        )
        self.leave_days: dict[int, set[dt.date]] = {}

    def run(self) -> None:
        number = 0
        ctx = IFlowContext(self.company_id, None, "demo", read_along=sync_policy(self.session, self.company_id))
        for team_name, shifts in TEAMS:
            for _ in range(EMPLOYEES_PER_TEAM):
                number += 1
                employee_id = sync_user(self.session, ctx, self.employee(team_name, number)).employee["id"]
                self.leaves(employee_id, number)
                self.month(employee_id, shifts)
        self.session.flush()

    def employee(self, team_name: str, number: int) -> SyncEmployee:
        """A new employee of the team, as user/sync creates one (the team with its first employee)."""
        male = number % 2 == 1
        birth = dt.date(1965, 1, 1) + dt.timedelta(days=self.rng.randint(0, 365 * 38))
        first_names = FIRST_NAMES[0::2] if male else FIRST_NAMES[1::2]
        full_name = f"{self.rng.choice(first_names)} {self.rng.choice(LAST_NAMES)}"
        cnp = demo_cnp(self.rng, birth, male)
        changes = EmployeeChanges(
            full_name=full_name,
            id_card=f"RX{100000 + number * 7919 % 900000}",
            birth_date=birth,
            employment_date=dt.date(2015, 1, 1) + dt.timedelta(days=self.rng.randint(0, 3500)),
            rfid_tag=f"000{4470000 + number:07d}",
            mark_number=f"M{number:03d}",
            contract_number=f"CIM-{number:04d}",
            job_title=self.rng.choice(("Operator", "Tehnician", "Referent", "Șofer", "Manipulant")),
            city=self.rng.choice(("București", "Cluj-Napoca", "Ilfov")),
            phone_one=f"07{self.rng.randint(20000000, 99999999)}",
        )
        return SyncEmployee(Identifier.CNP, cnp, changes, team_name)

    def leaves(self, employee_id: int, number: int) -> None:
        """A few leaves: paid weeks, a sick leave covering today, an approved overtime evening."""
        if number % 10 == 3 and len(self.workdays) >= 10:
            start = self.workdays[self.rng.randint(0, len(self.workdays) - 6)]
            self.event(employee_id, "paid_leave", start, start + dt.timedelta(days=4), "approved")
        elif number % 10 == 7:
            start = self.today - dt.timedelta(days=2)
            self.event(
                employee_id, "other_leave", start, self.today + dt.timedelta(days=3), "approved", "01 - Boală obișnuită"
            )
        elif number % 10 == 5 and self.workdays:
            day = self.workdays[0]
            self.event(employee_id, "overtime", day, day, "approved", start_time=dt.time(18), end_time=dt.time(20))

    def event(
        self,
        employee_id: int,
        code: str,
        start: dt.date,
        end: dt.date,
        status: str,
        other_leave_type_name: str | None = None,
        start_time: dt.time | None = None,
        end_time: dt.time | None = None,
    ) -> None:
        self.session.add(
            Event(
                company_id=self.company_id,
                employee_id=employee_id,
                event_type_id=self.event_types[code],
                start_date=start,
                end_date=end,
                start_time=start_time,
                end_time=end_time,
                approve_status=status,
                other_leave_type_name=other_leave_type_name,
                reason_message="",
            )
        )
        if start_time is None:
            days = {start + dt.timedelta(days=n) for n in range((end - start).days + 1)}
            self.leave_days.setdefault(employee_id, set()).update(days)

    def month(self, employee_id: int, shifts: tuple[tuple[str, str], ...]) -> None:
        """The plan of every workday, and clockings a few minutes off it up to now (today's may be open)."""
        now = dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)
        for day in self.workdays:
            for start, end in shifts:
                self.session.add(
                    WorkScheduleInterval(
                        company_id=self.company_id,
                        employee_id=employee_id,
                        work_date=day,
                        start_time=dt.time.fromisoformat(start),
                        end_time=dt.time.fromisoformat(end),
                    )
                )
            if day in self.leave_days.get(employee_id, set()) or self.rng.random() < 0.03:
                continue
            first_start, last_end = shifts[0][0], shifts[-1][1]
            check_in = _at(day, first_start, self.tz) + dt.timedelta(minutes=self.rng.randint(-12, 6))
            end_day = day + dt.timedelta(days=1) if last_end <= first_start else day
            check_out: dt.datetime | None = _at(end_day, last_end, self.tz) + dt.timedelta(
                minutes=self.rng.randint(-5, 25)
            )
            if check_in >= now:
                continue
            if check_out is not None and check_out >= now:
                check_out = None  # still at work
            self.session.add(
                LiveAttendanceInterval(
                    company_id=self.company_id,
                    employee_id=employee_id,
                    check_in_at=check_in,
                    check_out_at=check_out,
                    source="rfid",
                )
            )
