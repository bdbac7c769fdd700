"""The reference endpoint: the same 50-row clients page with nothing between the driver and the encoder.

A Starlette route, one raw driver connection opened at start-up (`sqlite3` or `psycopg`), the same
query flowsuite runs for `clients/read.php` (the same columns rendered as text by the database, the
same WHERE company_id = ? ORDER BY itflow_clients.client_id LIMIT ? OFFSET ?), rows zipped into dicts and `orjson` into
ITFlow's envelope. No authentication, no FastAPI, no SQLAlchemy: this is the ceiling a Python server
on this machine reaches for this page, measured in the same run as flowsuite.

Served like `flowsuite serve` serves flowsuite (uvicorn, one worker, the same options):

    python -m bench.reference --backend sqlite --dsn bench/work/x.db --company 1 --port 8001
"""

from __future__ import annotations

import argparse
import os
import sqlite3
from typing import Any

import orjson
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

# The wire columns of itflow_clients, in table order (all but company_id), as flowsuite sends them.
COLUMNS = (
    "client_id",
    "client_lead",
    "client_name",
    "client_type",
    "client_website",
    "client_referral",
    "client_rate",
    "client_currency_code",
    "client_net_terms",
    "client_tax_id_number",
    "client_abbreviation",
    "client_notes",
    "client_favorite",
    "client_created_at",
    "client_updated_at",
    "client_archived_at",
    "client_accessed_at",
)

# SQLite keeps timestamps as wire text already; money is formatted by printf, integers cast to text.
SQLITE_SQL = """
SELECT CAST(client_id AS TEXT), CAST(client_lead AS TEXT), client_name, client_type, client_website,
       client_referral, CASE WHEN client_rate IS NULL THEN NULL ELSE printf('%.2f', client_rate) END,
       client_currency_code, CAST(client_net_terms AS TEXT), client_tax_id_number, client_abbreviation,
       client_notes, CAST(client_favorite AS TEXT), client_created_at, client_updated_at,
       client_archived_at, client_accessed_at
FROM itflow_clients WHERE company_id = ? ORDER BY itflow_clients.client_id LIMIT ? OFFSET ?
"""

# ORDER BY names the table's column: a bare `client_id` would bind to the text output column in PostgreSQL
# and sort "10" before "2".
POSTGRES_SQL = """
SELECT CAST(client_id AS TEXT), CAST(client_lead AS TEXT), client_name, client_type, client_website,
       client_referral, CAST(client_rate AS TEXT), client_currency_code, CAST(client_net_terms AS TEXT),
       client_tax_id_number, client_abbreviation, client_notes, CAST(client_favorite AS TEXT),
       to_char(client_created_at, 'YYYY-MM-DD HH24:MI:SS'), to_char(client_updated_at, 'YYYY-MM-DD HH24:MI:SS'),
       to_char(client_archived_at, 'YYYY-MM-DD HH24:MI:SS'), to_char(client_accessed_at, 'YYYY-MM-DD HH24:MI:SS')
FROM itflow_clients WHERE company_id = %s ORDER BY itflow_clients.client_id LIMIT %s OFFSET %s
"""

NO_RESOURCE = (
    b'{"success":"False","message":"No resource (for this client and company) with the specified parameter(s)."}'
)


def _connect(backend: str, dsn: str) -> tuple[Any, str]:
    if backend == "sqlite":
        connection = sqlite3.connect(dsn, check_same_thread=False, isolation_level=None)
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("PRAGMA synchronous=NORMAL")
        connection.execute("PRAGMA busy_timeout=30000")
        return connection, SQLITE_SQL
    import psycopg

    return psycopg.connect(dsn, autocommit=True), POSTGRES_SQL


def create_app() -> Starlette:
    """The app for BENCH_REFERENCE_BACKEND / _DSN / _COMPANY (set by `main`)."""
    backend = os.environ["BENCH_REFERENCE_BACKEND"]
    company_id = int(os.environ["BENCH_REFERENCE_COMPANY"])
    connection, sql = _connect(backend, os.environ["BENCH_REFERENCE_DSN"])

    async def clients_read(request: Request) -> Response:
        query = request.query_params
        limit = int(query.get("limit") or 50)
        offset = int(query.get("offset") or 0)
        cursor = connection.cursor()
        try:
            cursor.execute(sql, (company_id, limit, offset))
            rows = cursor.fetchall()
        finally:
            cursor.close()
        if not rows:
            return Response(NO_RESOURCE, media_type="application/json")
        data = [dict(zip(COLUMNS, row, strict=True)) for row in rows]
        body = orjson.dumps({"success": "True", "count": len(data), "data": data})
        return Response(body, media_type="application/json")

    async def healthz(request: Request) -> Response:
        return Response(b'{"status":"ok"}', media_type="application/json")

    return Starlette(
        routes=[Route("/api/v1/clients/read.php", clients_read), Route("/healthz", healthz)],
    )


def main() -> None:
    import uvicorn

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--backend", choices=("sqlite", "postgresql"), required=True)
    parser.add_argument("--dsn", required=True, help="SQLite file path, or a libpq connection string")
    parser.add_argument("--company", type=int, required=True, help="the company whose clients are read")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8001)
    parser.add_argument("--log-level", default="warning")
    args = parser.parse_args()
    os.environ["BENCH_REFERENCE_BACKEND"] = args.backend
    os.environ["BENCH_REFERENCE_DSN"] = args.dsn
    os.environ["BENCH_REFERENCE_COMPANY"] = str(args.company)
    # The options `flowsuite serve` passes (src/flowsuite/cli.py): factory, one worker, no access log,
    # the asyncio loop and httptools.
    uvicorn.run(
        "bench.reference:create_app",
        factory=True,
        host=args.host,
        port=args.port,
        workers=1,
        log_level=args.log_level,
        access_log=False,
        loop="asyncio",
        http="httptools",
    )


if __name__ == "__main__":
    main()
