"""bench.compare's pure parts: the order of the before/after runs, the verdicts and the table rows."""

from __future__ import annotations

from typing import Any

import pytest
from bench.compare import AFTER, BEFORE, CATALOG, DEEP, alternation, chosen_names, summarize, verdict


def test_rounds_are_pairs_whose_first_side_alternates() -> None:
    assert alternation(1) == [BEFORE, AFTER]
    assert alternation(3) == [BEFORE, AFTER, AFTER, BEFORE, BEFORE, AFTER]
    # Over an even number of rounds each side runs first, and last, equally often.
    order = alternation(4)
    assert order.count(BEFORE) == order.count(AFTER) == 4
    assert [order[i] for i in range(0, 8, 2)] == [BEFORE, AFTER, BEFORE, AFTER]


def test_slower_only_beyond_five_percent_of_the_median() -> None:
    ratio, text = verdict([1000, 1010, 990], [960, 2000, 955])
    assert ratio == pytest.approx(0.96)
    assert text == "ok"
    ratio, text = verdict([1000, 1010, 990], [940, 10, 945])
    assert ratio == pytest.approx(0.94)
    assert text == "slower by 6.0%"
    assert verdict([1000], [1200])[1] == "ok"


def test_flagged_or_missing_runs_are_not_compared() -> None:
    assert verdict([1000], [1000], flagged=True) == (None, "flagged: not compared")
    assert verdict([], [1000]) == (None, "not measured")


def test_p99_target_is_part_of_the_verdict_where_it_applies() -> None:
    assert verdict([1000], [1000], after_p99=19.9, p99_target=20) == (1.0, "ok")
    assert verdict([1000], [900], after_p99=25.0, p99_target=20)[1] == (
        "slower by 10.0%; after p99 25.0 ms, not under 20 ms"
    )


def test_only_takes_names_or_parts_of_names_in_catalog_order() -> None:
    assert chosen_names(None) == list(CATALOG)
    assert chosen_names(["tickets/create", "clients"]) == ["clients/read?limit=50", "tickets/create"]
    assert chosen_names(["deep pages"]) == [DEEP]
    with pytest.raises(ValueError, match="names nothing"):
        chosen_names(["no such endpoint"])


def _run(label: str, rps: float, p99: float, round_number: int, problems: list[str] | None = None) -> dict[str, Any]:
    wrk = {"requests_per_s": rps, "p99_ms": p99, "problems": problems or []}
    return {
        "endpoint": DEEP,
        "connections": 16,
        "label": label,
        "round": round_number,
        "wrk": wrk,
        "extra_problems": [],
    }


def test_rows_use_medians_and_flag_a_bad_run() -> None:
    runs = [
        _run(BEFORE, 1000, 10, 0),
        _run(AFTER, 990, 12, 0),
        _run(AFTER, 500, 30, 1),
        _run(BEFORE, 1100, 11, 1),
        _run(BEFORE, 1050, 9, 2),
        _run(AFTER, 1000, 22, 2),
    ]
    (row,) = summarize(runs, "sqlite")
    assert (row["before_rps"], row["after_rps"], row["after_p99_ms"]) == (1050, 990, 22)
    assert row["verdict"] == "slower by 5.7%"
    # On PostgreSQL the deep-pages scenario also holds the after p99 to its target.
    assert summarize(runs, "postgresql")[0]["verdict"] == "slower by 5.7%; after p99 22.0 ms, not under 20 ms"
    runs[2]["wrk"]["problems"] = ["3 responses without the expected text"]
    (row,) = summarize(runs, "sqlite")
    assert row["verdict"] == "flagged: not compared"
    assert row["problems"] == ["after, round 2: 3 responses without the expected text"]
