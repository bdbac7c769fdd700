"""Targets, the results table and the files: bench/results/<stamp>-<backend>.json and <stamp>.md."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from bench.endpoints import ASSET_BY_ID, CLIENTS, REFERENCE, TICKET_CREATE

RATIO_TARGET = 0.60
TICKETS_SQLITE_TARGET = 1_000.0
P99_TARGET_MS = 50.0
P99_AT_CONNECTIONS = 64
RSS_TARGET_MB = 200.0


def _runs(result: dict[str, Any], endpoint: str) -> list[dict[str, Any]]:
    return [run for run in result["runs"] if run["endpoint"] == endpoint]


def reference_rps(result: dict[str, Any], connections: int) -> float | None:
    """The reference's req/s at `connections`: the mean of its runs there (before and after the reads)."""
    figures = [
        run["wrk"]["requests_per_s"]
        for run in _runs(result, REFERENCE)
        if run["connections"] == connections and not run["wrk"]["problems"]
    ]
    return sum(figures) / len(figures) if figures else None


def ratio(result: dict[str, Any], run: dict[str, Any]) -> float | None:
    if run["endpoint"] == REFERENCE or not result.get("reference_comparable", False):
        return None
    reference = reference_rps(result, run["connections"])
    return run["wrk"]["requests_per_s"] / reference if reference else None


def _verdict(met: bool) -> str:
    return "met" if met else "NOT met"


def targets(result: dict[str, Any]) -> list[dict[str, Any]]:
    """Each target with what was measured and whether it is met ("not measured" when it could not be)."""
    checks: list[dict[str, Any]] = []
    probes = result["probes"]

    def missing(endpoint: str) -> str | None:
        status = probes.get(endpoint, {}).get("status")
        return None if status == "ok" else f"not measured (endpoint {status})"

    for endpoint in (CLIENTS, ASSET_BY_ID):
        name = f"{endpoint} >= {RATIO_TARGET:.0%} of the reference's req/s"
        reason = missing(endpoint)
        if reason is not None:
            checks.append({"target": name, "status": reason, "measured": None})
            continue
        if not result.get("reference_comparable", False):
            checks.append({"target": name, "status": "not measured (reference body differs)", "measured": None})
            continue
        for run in _runs(result, endpoint):
            value = ratio(result, run)
            if run["wrk"]["problems"] or value is None:
                status = "NOT met (run had errors: " + "; ".join(run["wrk"]["problems"]) + ")"
            else:
                status = _verdict(value >= RATIO_TARGET)
            checks.append(
                {
                    "target": f"{name}, {run['connections']} connections",
                    "status": status,
                    "measured": None if value is None else f"{value:.0%}",
                }
            )

    if result["backend"] == "sqlite":
        name = f"{TICKET_CREATE} >= {TICKETS_SQLITE_TARGET:,.0f} req/s on SQLite"
        reason = missing(TICKET_CREATE)
        if reason is not None:
            checks.append({"target": name, "status": reason, "measured": None})
        for run in _runs(result, TICKET_CREATE):
            rps = run["wrk"]["requests_per_s"]
            bad = run["wrk"]["problems"] + run.get("extra_problems", [])
            checks.append(
                {
                    "target": f"{name}, {run['connections']} connections",
                    "status": ("NOT met (run had errors)" if bad else _verdict(rps >= TICKETS_SQLITE_TARGET)),
                    "measured": f"{rps:,.0f} req/s",
                }
            )

    at = [run for run in result["runs"] if run["connections"] == P99_AT_CONNECTIONS and run["server"] == "flowsuite"]
    name = f"p99 < {P99_TARGET_MS:.0f} ms at {P99_AT_CONNECTIONS} connections"
    if not at:
        checks.append(
            {"target": name, "status": f"not measured (no {P99_AT_CONNECTIONS}-connection runs)", "measured": None}
        )
    for run in at:
        p99 = run["wrk"]["p99_ms"]
        rps = run["wrk"]["requests_per_s"]
        # wrk keeps every connection's request in flight: the mean latency is connections / throughput.
        floor = 1000 * run["connections"] / rps if rps else float("inf")
        checks.append(
            {
                "target": f"{name}: {run['endpoint']}",
                "status": "NOT met (run had errors)" if run["wrk"]["problems"] else _verdict(p99 < P99_TARGET_MS),
                "measured": f"{p99:.1f} ms; mean latency {run['connections']}/req/s = {floor:.1f} ms",
            }
        )
    for endpoint, probe in probes.items():
        if at and probe["status"] != "ok" and endpoint != REFERENCE:
            checks.append(
                {
                    "target": f"{name}: {endpoint}",
                    "status": f"not measured (endpoint {probe['status']})",
                    "measured": None,
                }
            )

    rss = result["servers"]["flowsuite"]["peak_rss_mb"]
    checks.append(
        {
            "target": f"flowsuite server RSS < {RSS_TARGET_MB:.0f} MB",
            "status": _verdict(rss < RSS_TARGET_MB),
            "measured": f"peak {rss:.0f} MB",
        }
    )
    return checks


def _fmt(value: float | None, pattern: str) -> str:
    return "–" if value is None else format(value, pattern)


def table(result: dict[str, Any]) -> str:
    """The backend's runs as a markdown table, missing endpoints listed at the end."""
    lines = [
        "| endpoint | conns | req/s | p50 ms | p99 ms | non-2xx | socket errors | bad bodies | server CPU "
        "| vs reference |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for run in result["runs"]:
        wrk = run["wrk"]
        socket_errors = sum(wrk["socket_errors"].values())
        value = ratio(result, run)
        note = " ⚠" if wrk["problems"] or run.get("extra_problems") else ""
        lines.append(
            f"| {run['label']}{note} | {run['connections']} | {wrk['requests_per_s']:,.0f} | {wrk['p50_ms']:.2f} "
            f"| {wrk['p99_ms']:.2f} | {wrk['non_2xx']} | {socket_errors} | {wrk['bad_bodies']} "
            f"| {run['server_cpu_percent']:.0f}% | {_fmt(value, '.0%')} |"
        )
    for endpoint, probe in result["probes"].items():
        if probe["status"] != "ok":
            lines.append(f"| {endpoint} | – | {probe['status']} | | | | | | | |")
    return "\n".join(lines)


def backend_markdown(result: dict[str, Any]) -> str:
    data = result["data"]
    servers = result["servers"]
    parts = [f"## {result['backend']}", ""]
    parts.append(
        f"Data: {data['clients']:,} clients, {data['contacts']:,} contacts, {data['assets']:,} assets (each with "
        f"its primary interface), {data['tickets']:,} tickets; migrated in {result['migrate_seconds']:.1f} s, "
        f"loaded in {data['load_seconds']:.1f} s "
        f"({', '.join(f'{k} {v:.2f} s' for k, v in data['load_timings'].items())})."
    )
    parts.append("")
    parts.append(f"Reference vs flowsuite `clients/read?limit=50` body: {result['reference_check']}.")
    parts.append("")
    parts.append(table(result))
    parts.append("")
    for connections, pair in result["reference_spread"].items():
        parts.append(
            f"- reference at {connections} connections, run before / after the flowsuite reads: "
            f"{pair[0]:,.0f} / {pair[1]:,.0f} req/s (the ratios use the mean)"
        )
    parts.append(
        f"- peak RSS: flowsuite {servers['flowsuite']['peak_rss_mb']:.1f} MB (idle after start "
        f"{servers['flowsuite']['idle_rss_mb']:.1f} MB), reference {servers['reference']['peak_rss_mb']:.1f} MB "
        f"(idle {servers['reference']['idle_rss_mb']:.1f} MB)"
    )
    problems = [
        f"{run['label']} at {run['connections']}: {'; '.join(run['wrk']['problems'] + run.get('extra_problems', []))}"
        for run in result["runs"]
        if run["wrk"]["problems"] or run.get("extra_problems")
    ] + result.get("problems", [])
    if problems:
        parts.append("")
        parts.append("**Flagged (figures not to be trusted):**")
        parts.extend(f"- {problem}" for problem in problems)
    parts.append("")
    parts.append("Targets:")
    parts.append("")
    parts.extend(
        f"- {check['target']}: **{check['status']}**" + (f" ({check['measured']})" if check["measured"] else "")
        for check in result["targets"]
    )
    return "\n".join(parts)


def markdown(
    stamp: str,
    environment: dict[str, Any],
    options: dict[str, Any],
    results: list[dict[str, Any]],
    failures: dict[str, str],
) -> str:
    parts = [f"# flowsuite bench {stamp}", ""]
    parts.append(
        f"Machine: {environment['cpus']} CPUs, {environment['platform']}; Python {environment['python']}; "
        f"{environment['wrk']}; SQLite {environment['sqlite']}"
        + (f"; {environment['postgresql']}" if environment.get("postgresql") else "")
        + f". Code: {environment['commit']}."
    )
    parts.append("")
    parts.append(
        f"Each run: `wrk -t1 -c<conns> -d{options['duration']:g}s --latency` after a {options['warmup']:g} s "
        "warm-up, wrk on the same machine as the server; every response's status and body checked (Lua). "
        "Servers: `flowsuite serve --no-migrate` and `bench/reference.py`, each one uvicorn worker with the "
        'same options. "vs reference" is req/s over the reference\'s at the same connection count. '
        "Server CPU is the server process's CPU time over the run's wall time (100% = one core)."
    )
    for result in results:
        parts += ["", backend_markdown(result)]
    for backend, error in failures.items():
        parts += ["", f"## {backend}", "", f"**The bench could not run:** {error}"]
    return "\n".join(parts) + "\n"


def write(results_dir: Path, stamp: str, result: dict[str, Any]) -> Path:
    path = results_dir / f"{stamp}-{result['backend']}.json"
    path.write_text(json.dumps(result, indent=2, default=str) + "\n")
    return path
