"""Running wrk and reading its report: req/s, latency percentiles, non-2xx, socket errors, bad bodies."""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

LUA = Path(__file__).parent / "lua"
SUCCESS = '"success":"True"'

_UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0, "h": 3_600_000.0}
_DURATION = r"([\d.]+)(us|ms|s|m|h)"


class WrkMissing(RuntimeError):
    pass


def wrk_path() -> str:
    path = shutil.which("wrk")
    if path is None:
        raise WrkMissing("wrk is not installed: `apt-get install wrk` (Debian/Ubuntu), then run the bench again.")
    return path


def wrk_version() -> str:
    completed = subprocess.run([wrk_path(), "--version"], capture_output=True, text=True, check=False)
    first = (completed.stdout or completed.stderr).splitlines()[0]
    return first.split(" Copyright")[0].strip()


@dataclass
class Script:
    """A wrk Lua script: the body checker in front of an optional request generator, and its args."""

    generator: str | None = None
    args: list[str] = field(default_factory=list)
    expect: str = SUCCESS

    def write(self, workdir: Path, name: str) -> Path:
        source = (LUA / "check.lua").read_text()
        if self.generator is not None:
            source += "\n" + (LUA / f"{self.generator}.lua").read_text()
        path = workdir / f"{name}.lua"
        path.write_text(source)
        return path


@dataclass
class WrkResult:
    connections: int
    duration_s: float
    requests: int
    requests_per_s: float
    latency_avg_ms: float
    latency_max_ms: float
    p50_ms: float
    p75_ms: float
    p90_ms: float
    p99_ms: float
    non_2xx: int
    socket_errors: dict[str, int]
    expected: str
    checked: int
    bad_bodies: int
    bad_sample: str | None
    command: list[str]
    output: str

    @property
    def problems(self) -> list[str]:
        """What makes this run's figures untrustworthy; empty when every response was a good 200."""
        found = []
        if self.requests == 0:
            found.append("no request completed")
        if self.non_2xx:
            found.append(f"{self.non_2xx} non-2xx/3xx responses")
        errors = {k: v for k, v in self.socket_errors.items() if v}
        if errors:
            found.append("socket errors " + ", ".join(f"{k} {v}" for k, v in errors.items()))
        if self.bad_bodies:
            found.append(f"{self.bad_bodies} responses without {self.expected} (first: {self.bad_sample})")
        if self.checked < self.requests:
            found.append(f"only {self.checked} of {self.requests} bodies were checked")
        return found

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["problems"] = self.problems
        return data


def _ms(value: str, unit: str) -> float:
    return float(value) * _UNITS_MS[unit]


def parse(output: str, connections: int, command: list[str], expected: str = SUCCESS) -> WrkResult:
    """wrk's text report (with --latency and the check.lua summary lines) as numbers."""

    def find(pattern: str) -> re.Match[str]:
        match = re.search(pattern, output, re.MULTILINE)
        if match is None:
            raise ValueError(f"wrk output lacks {pattern!r}:\n{output}")
        return match

    latency = find(rf"^\s+Latency\s+{_DURATION}\s+\S+\s+{_DURATION}")
    percentiles = {
        int(m.group(1)): _ms(m.group(2), m.group(3))
        for m in re.finditer(rf"^\s+(50|75|90|99)%\s+{_DURATION}", output, re.MULTILINE)
    }
    totals = find(r"^\s+(\d+) requests in ([\d.]+)(us|ms|s|m|h)")
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    sockets = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    checked = find(r"^BENCH checked=(\d+) bad=(\d+)")
    sample = re.search(r"^BENCH bad_sample=(.*)$", output, re.MULTILINE)
    return WrkResult(
        connections=connections,
        duration_s=_ms(totals.group(2), totals.group(3)) / 1000,
        requests=int(totals.group(1)),
        requests_per_s=float(find(r"^Requests/sec:\s+([\d.]+)").group(1)),
        latency_avg_ms=_ms(latency.group(1), latency.group(2)),
        latency_max_ms=_ms(latency.group(3), latency.group(4)),
        p50_ms=percentiles[50],
        p75_ms=percentiles[75],
        p90_ms=percentiles[90],
        p99_ms=percentiles[99],
        non_2xx=int(non_2xx.group(1)) if non_2xx else 0,
        socket_errors=dict(
            zip(("connect", "read", "write", "timeout"), (int(g) for g in sockets.groups()), strict=True)
        )
        if sockets
        else {"connect": 0, "read": 0, "write": 0, "timeout": 0},
        expected=expected,
        checked=int(checked.group(1)),
        bad_bodies=int(checked.group(2)),
        bad_sample=sample.group(1) if sample else None,
        command=command,
        output=output,
    )


def run(url: str, script: Path, script_args: list[str], *, connections: int, seconds: int) -> WrkResult:
    """One wrk run: one thread (wrk shares the machine with the server), --latency, a generous timeout."""
    command = [
        wrk_path(),
        "-t1",
        f"-c{connections}",
        f"-d{seconds}s",
        "--timeout",
        "10s",
        "--latency",
        "-s",
        str(script),
        url,
        "--",
        *script_args,
    ]
    completed = subprocess.run(command, capture_output=True, text=True, check=False, timeout=seconds + 60)
    if completed.returncode != 0:
        raise RuntimeError(f"wrk failed ({completed.returncode}): {completed.stderr}\n{completed.stdout}")
    return parse(completed.stdout, connections, command, script_args[0] if script_args else SUCCESS)
