"""The data of `python -m bench.compare`: every bench data set loaded into one migrated database.

Run by bench.compare as a subprocess with the *after* tree's `src` first on PYTHONPATH, so that the rows are
made by the code whose migrations made the schema (the before tree's server then reads the same database):

    python -m bench.compare_data --url URL --sizes '{"clients": 2000, ...}' --sets itflow cflow ...

Each set is seeded by its own bench module (bench.dataset, bench.iflow_status, bench.iflow_reports,
bench.iflow_rfid, bench.iflow_sync, bench.cflow), in one database, each in a company of its own. Progress goes
to stderr; stdout gets one JSON object: what the wrk runs need (keys, ids, sizes) and which flowsuite made it.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, fields
from typing import Any

from sqlalchemy import select, text

import flowsuite
from bench import cflow, dataset, iflow_reports, iflow_rfid, iflow_status, iflow_sync, iflow_wrk
from bench.dataset import Shape
from flowsuite.cflow.models import CflowRecord
from flowsuite.core.db import Database
from flowsuite.iflow.totals import TOTAL_NAMES
from flowsuite.itflow import models
from flowsuite.itflow.services.legacy import only_digits

# In the order they are loaded: bench.iflow_status gives its employees explicit ids from 1, so it must be
# the first to fill iflow_employees (bench.iflow_reports continues after the highest id).
SETS = ("itflow", "status", "reports", "rfid", "sync", "cflow")
REPORT_MONTH = (2026, 12)


@dataclass(frozen=True)
class Sizes:
    """How much of each data set. `full()` is each bench module's own default size."""

    clients: int = 2_000  # ITFlow clients (25 assets each: 50,000 assets, the deep page at offset 40,000)
    status_employees: int = 1_000  # users/get_today_status
    report_employees: int = 100  # user/get_work_schedule (1,000 in bench.iflow_reports: ~0.5 s a request)
    badges: int = 20_000  # RFID badges
    sync_employees: int = 10_000  # user/sync
    cflow_records: int = 60_000  # records waiting at Manager Review (one run approves at most all of them)

    @classmethod
    def full(cls) -> Sizes:
        return cls(report_employees=1_000)

    def scaled(self, factor: float) -> Sizes:
        return Sizes(**{f.name: max(1, round(getattr(self, f.name) * factor)) for f in fields(self)})


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _caller(db: Database, company_id: int, shape: Shape) -> dict[str, str]:
    """A contact's phone number for `api.php?cid=` and the name the caller ID must answer (the lowest contact id
    with those digits, as the service picks it)."""
    contact = models.Contact
    with db.transaction() as session:
        phone = session.scalar(
            select(contact.contact_phone).where(
                contact.company_id == company_id, contact.contact_id == max(1, shape.contacts // 2)
            )
        )
        digits = only_digits(phone)
        for contact_id, name, stored in session.execute(
            select(contact.contact_id, contact.contact_name, contact.contact_phone)
            .where(contact.company_id == company_id, contact.contact_archived_at.is_(None))
            .order_by(contact.contact_id)
        ):
            if only_digits(stored) == digits:
                return {"digits": digits, "name": str(name), "contact_id": str(contact_id)}
    raise RuntimeError(f"no contact of company {company_id} has the phone number {phone!r}")


def _itflow(url: str, sizes: Sizes) -> dict[str, Any]:
    db = Database(url)
    try:
        loaded = dataset.load(db, iflow_wrk.SERVER_SECRET, Shape().scaled(sizes.clients / Shape().clients), _say)
        caller = _caller(db, loaded.company_id, loaded.shape)
    finally:
        db.dispose()
    return {"company_id": loaded.company_id, "api_key": loaded.api_key, "shape": asdict(loaded.shape), "cid": caller}


def _status(url: str, sizes: Sizes) -> dict[str, Any]:
    return {"token": iflow_status.load(url, sizes.status_employees), "employees": sizes.status_employees}


def _reports(url: str, sizes: Sizes) -> dict[str, Any]:
    year, month = REPORT_MONTH
    db = Database(url)
    try:
        loaded = iflow_reports.load(db, sizes.report_employees, year, month)
    finally:
        db.dispose()
    return {
        "api_key": loaded.api_key,
        "employees": sizes.report_employees,
        "year": year,
        "month": month,
        "totals": ",".join(TOTAL_NAMES),
    }


def _rfid(url: str, sizes: Sizes) -> dict[str, Any]:
    iflow_rfid.seed(url, sizes.badges)
    return {"serial": iflow_rfid.SERIAL, "prefix": iflow_rfid.TAG_PREFIX, "badges": sizes.badges}


def _sync(url: str, sizes: Sizes) -> dict[str, Any]:
    return {"api_key": iflow_sync.seed(url, sizes.sync_employees), "employees": sizes.sync_employees}


def _cflow(url: str, sizes: Sizes) -> dict[str, Any]:
    seeded = cflow.seed(url, sizes.cflow_records)
    stage_id = int(seeded.group_id)
    db = Database(url)
    try:
        with db.transaction() as session:
            company_id, workflow_id, user_id = session.execute(
                select(CflowRecord.company_id, CflowRecord.workflow_id, CflowRecord.submitted_by)
                .where(CflowRecord.stage_id == stage_id)
                .limit(1)
            ).one()
    finally:
        db.dispose()
    # What a seeded record holds, to put the approved ones back at Manager Review between runs.
    record = next(cflow._records(company_id, workflow_id, stage_id, user_id, 1))
    return {
        **asdict(seeded),
        "company_id": company_id,
        "workflow_id": workflow_id,
        "stage_id": stage_id,
        "records": sizes.cflow_records,
        "seeded_values": record["values"],
        "seeded_reviews": record["reviews"],
    }


LOADERS: dict[str, Callable[[str, Sizes], dict[str, Any]]] = {
    "itflow": _itflow,
    "status": _status,
    "reports": _reports,
    "rfid": _rfid,
    "sync": _sync,
    "cflow": _cflow,
}


def load_all(url: str, sizes: Sizes, sets: list[str]) -> dict[str, Any]:
    """Loads the named sets (in SETS order) into the migrated database at `url`, then refreshes statistics."""
    result: dict[str, Any] = {"flowsuite_file": flowsuite.__file__, "sizes": asdict(sizes), "seconds": {}}
    for name in [s for s in SETS if s in sets]:
        began = time.perf_counter()
        result[name] = LOADERS[name](url, sizes)
        result["seconds"][name] = round(time.perf_counter() - began, 2)
        _say(f"  loaded {name} in {result['seconds'][name]:.1f} s")
    db = Database(url)
    try:
        if db.dialect_name == "postgresql":
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
                connection.execute(text("VACUUM ANALYZE"))
        else:
            with db.engine.begin() as connection:
                connection.execute(text("ANALYZE"))
            with db.engine.connect() as connection:
                connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        db.dispose()
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--url", required=True, help="SQLAlchemy URL of the migrated database")
    parser.add_argument("--sizes", required=True, help="the Sizes fields as a JSON object")
    parser.add_argument("--sets", nargs="+", choices=SETS, default=list(SETS))
    options = parser.parse_args(argv)
    result = load_all(options.url, Sizes(**json.loads(options.sizes)), options.sets)
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
