"""The benchmark runs end to end at a tiny size, so it cannot rot. No timing is asserted:
speed is measured by `make bench`, not by the test suite."""

from __future__ import annotations

import json

from bench import run


def test_the_benchmark_runs_at_a_tiny_size_and_writes_its_table(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(run, "CACHE", tmp_path / "cache")
    monkeypatch.setenv("COMPANION_DB", str(tmp_path / "unused.db"))  # main() points it at a copy
    result = run.main(
        [
            "--teens",
            "3",
            "--days",
            "40",
            "--parents",
            "2",
            "--runs",
            "2",
            "--no-browser",
            "--out",
            str(tmp_path / "results"),
        ]
    )
    pages = [row["page"] for row in result["pages"]]
    assert pages == [label for label, *_ in run.PAGES] + ["report PDF (since discharge)"]
    for row in result["pages"]:
        assert row["median_ms"] > 0 and row["p95_ms"] > 0
        assert row["statements"] > 0  # the SQL each page needs was captured
    assert result["database"]["teen_years"] > 0
    written = list((tmp_path / "results").glob("*.json"))
    assert len(written) == 1 and json.loads(written[0].read_text())["pages"] == result["pages"]
    table = capsys.readouterr().out
    assert "page÷SQL" in table and "argon2 verify" in table
    assert result["common_measures"] is None and "common-measures export" in table  # 3 teens
    assert all(label in table for label, *_ in run.PAGES)  # every page has its row
    # a second run reuses the cached database instead of building it again
    again = run.build(3, 40, 3, 2, 7)
    assert again[0].exists() and len(list((tmp_path / "cache").glob("*.db"))) == 1


def test_p95_picks_the_nearest_rank_worked_out_by_hand():
    assert run.p95([5.0]) == 5.0
    assert run.p95([3.0, 1.0, 2.0]) == 3.0  # rank round(0.95 * 2) = 2 of 0..2
    assert run.p95([float(v) for v in range(1, 21)]) == 19.0  # rank round(18.05) = 18
    assert run.p95([1.0] * 19 + [100.0]) == 1.0  # one slow run of twenty is above the p95
