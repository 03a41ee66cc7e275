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
        assert row["median_ms"] > 0 and row["p95_ms"] >= row["median_ms"]
        assert row["statements"] > 0  # the SQL each page needs was captured
    assert result["database"]["teen_years"] > 0
    written = list((tmp_path / "results").glob("*.json"))
    assert len(written) == 1 and json.loads(written[0].read_text())["pages"] == result["pages"]
    table = capsys.readouterr().out
    assert "page÷SQL" in table and "argon2 verify" in table
    # a second run reuses the cached database instead of building it again
    again = run.build(3, 40, 3, 2, 7)
    assert again[0].exists() and len(list((tmp_path / "cache").glob("*.db"))) == 1
