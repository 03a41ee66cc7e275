"""The common-measures export and pooling (companion/ops/measures.py): nothing that names a
teen leaves the programme, pseudonyms are stable at home and unlinkable elsewhere, every
combination of quasi-identifiers holds 5 teens, the pool of two exports is the cohort of
both, and a malformed export is refused with its file, row and problem."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pandas as pd
import pytest

from companion import db as dbmod
from companion import programme
from companion.__main__ import main
from companion.insight import outcome_tables, outcomes
from companion.ops import demo, measures
from tests.conftest import TODAY


def _programme(folder: Path, code: str, *, seed: int, teens: int = 24) -> tuple[Path, demo.Demo]:
    path = folder / f"{code}.db"
    database = dbmod.connect(path, migrate=True)
    made = demo.create_demo(database, seed=seed, teens=teens, today=TODAY, days=400, visits=True)
    programme._write(database, {"programme_code": code})
    database.close()
    return path, made


@pytest.fixture(scope="module")
def two(tmp_path_factory):
    """Two programmes made from the same seed (the same patient ids), each with its own
    secret: what two programmes' exports look like."""
    folder = tmp_path_factory.mktemp("measures")
    return [_programme(folder, code, seed=13) for code in ("NORTH", "SOUTH")]


def _rows(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text)))


def test_the_export_names_no_one_and_holds_every_stay_and_time_point(two):
    (path, made), _ = two
    database = dbmod.connect(path)
    made_csv = measures.export_csv(database, today=TODAY)
    rows = _rows(made_csv.csv)
    assert list(rows[0]) == list(measures.NAMES)
    episodes = database.execute("SELECT COUNT(*) FROM episodes").fetchone()[0]
    assert len(rows) == made_csv.rows == episodes * len(outcomes.TIME_POINTS)
    assert {r["programme"] for r in rows} == {"NORTH"}
    # no name, username, password, note or date of anyone in the programme
    words = [a.display_name for a in made.accounts] + [a.username for a in made.accounts]
    words += [a.password for a in made.accounts]
    words += [r[0] for r in database.execute("SELECT note FROM checkins WHERE note != ''")]
    words += [r[0] for r in database.execute("SELECT notes FROM visits WHERE notes != ''")]
    for word in words:
        assert word not in made_csv.csv, word
    assert not re.search(r"\d{4}-\d{2}-\d{2}", made_csv.csv)  # no date at all
    discharge_years = {r["discharge_year"] for r in rows}
    assert discharge_years <= {"2025", "2026", measures.NOT_RELEASED}
    database.close()


def test_pseudonyms_are_stable_at_home_and_unlinkable_elsewhere(two):
    (north, _), (south, _) = two
    first, second = (
        {r["pseudonym"] for r in _rows(measures.export_csv(dbmod.connect(north), today=TODAY).csv)}
        for _ in range(2)
    )
    assert first == second and len(first) == 24
    other = {
        r["pseudonym"] for r in _rows(measures.export_csv(dbmod.connect(south), today=TODAY).csv)
    }
    assert len(other) == 24 and not first & other  # the same patient ids, other secrets


def test_every_combination_of_quasi_identifiers_holds_five_teens(two):
    (path, _), _ = two
    made = measures.export_csv(dbmod.connect(path), today=TODAY)
    frame = pd.DataFrame(_rows(made.csv))
    sizes = frame.groupby(list(measures.QUASI))["pseudonym"].nunique()
    assert sizes.min() >= measures.K
    assert made.coarsened  # 24 teens over 9 fields: something had to be coarsened
    assert made.coarsened[0].startswith("age given in bands")


def test_coarsening_by_hand():
    """Ten teens: five girls of 12 and five boys of 16, all else alike; one girl is 13. Ages
    in bands make two groups of five: one step."""
    base = dict.fromkeys(measures.QUASI, "")
    rows = [{**base, "age": "12", "sex_at_birth": "female"} for _ in range(5)]
    rows += [{**base, "age": "16", "sex_at_birth": "male"} for _ in range(5)]
    rows[0]["age"] = "13"
    q = pd.DataFrame(rows)
    out, steps = measures.k_anonymise(q, pd.Series(range(10)))
    assert steps == ["age given in bands (under 12, 12 to 14, 15 to 17, 18 or older)"]
    assert set(out["age"]) == {"12 to 14", "15 to 17"}
    # 95 teens alike and 5 each unique: the 5 (5% of the teens) are withheld, the rest keep
    # every field
    alike = [{**base, "age": "14", "sex_at_birth": "female"} for _ in range(95)]
    unique = [{**base, "age": str(10 + n), "sex_at_birth": "male"} for n in range(5)]
    out, steps = measures.k_anonymise(pd.DataFrame(alike + unique), pd.Series(range(100)))
    assert steps == ["5 teens with a combination too rare to share: none of their fields released"]
    assert (out.iloc[:95]["age"] == "14").all()
    assert (out.iloc[95:] == measures.NOT_RELEASED).all().all()
    # one teen of four: refused
    with pytest.raises(measures.ExportError):
        measures.k_anonymise(q.head(4), pd.Series(range(4)))
    # a readmitted teen counts once: six stays of three teens cannot be released
    with pytest.raises(measures.ExportError):
        measures.k_anonymise(q.head(6), pd.Series([1, 1, 2, 2, 3, 3]))


def test_the_dictionaries_describe_every_column(two, tmp_path):
    (path, _), _ = two
    target = tmp_path / "north.csv"
    measures.export(dbmod.connect(path), target, today=TODAY)
    described = json.loads(Path(f"{target}.dictionary.json").read_text())
    assert described["version"] == measures.DICTIONARY_VERSION
    assert [c["name"] for c in described["columns"]] == list(measures.NAMES)
    redcap = list(csv.reader(io.StringIO(Path(f"{target}.redcap-dictionary.csv").read_text())))
    assert tuple(redcap[0]) == measures.REDCAP_HEADER
    assert [r[0] for r in redcap[1:]] == list(measures.NAMES)
    assert all(re.fullmatch(r"[a-z][a-z0-9_]*", r[0]) for r in redcap[1:])  # REDCap names
    fdi = next(r for r in redcap if r[0] == "fdi")
    assert (fdi[3], fdi[7], fdi[8], fdi[9]) == ("text", "integer", "0", "60")


def _cohort_of_both(paths) -> outcomes.Cohort:
    episodes, frames = [], []
    for n, path in enumerate(paths):
        cohort = outcomes._load(
            dbmod.connect(path), first=measures.EARLIEST, last=TODAY, today=TODAY
        )
        frames.append(
            cohort.measures.assign(episode_key=cohort.measures["episode_key"] + 100_000 * n)
        )
        episodes.append(cohort.episodes)
    return outcomes.Cohort(
        TODAY, TODAY, TODAY, pd.concat(episodes), pd.concat(frames, ignore_index=True)
    )


def test_the_pool_of_two_exports_is_the_cohort_of_both(two, tmp_path):
    files = []
    for path, _ in two:
        target = tmp_path / f"{path.stem}.csv"
        measures.export(dbmod.connect(path), target, today=TODAY)
        files.append(target)
    pooled = measures.pool(files, tmp_path / "pooled")
    assert pooled.programmes == ["NORTH", "SOUTH"] and pooled.teens == 48
    table = pd.read_csv(tmp_path / "pooled" / "measures.csv", dtype=str, keep_default_na=False)
    both = _cohort_of_both([p for p, _ in two])
    for measure, (name, _) in outcome_tables.MEASURES.items():
        expected, _ = outcome_tables.measure_table(both, measure)
        got = table[(table["Programme"] == measures.POOLED) & (table["Measure"] == name)]
        assert (
            got.drop(columns=["Programme", "Measure"])
            .reset_index(drop=True)
            .equals(expected.astype(str))
        ), measure
    # by population, each programme and all: no group's exact count, "11 or more" or "—"
    groups = pd.read_csv(
        tmp_path / "pooled" / "by_population.csv", dtype=str, keep_default_na=False
    )
    assert set(groups["Programme"]) == {"NORTH", "SOUTH", measures.POOLED}
    assert set(groups["Teens with a value"]) <= {outcome_tables.AT_LEAST, outcome_tables.HIDDEN}
    assert {"Treatment setting", "Age at discharge"} <= set(groups["Split"])
    # by programme too, and no count from 1 to 10 anywhere in the pooled output
    assert set(table["Programme"]) == {"NORTH", "SOUTH", measures.POOLED}
    for file in pooled.files:
        frame = pd.read_csv(file, dtype=str, keep_default_na=False)
        for column in ("Teens with a value", "Teens who reached it", "With data"):
            if column in frame:
                assert not [v for v in frame[column] if v.isdigit() and 1 <= int(v) <= 10]


def _broken(tmp_path, good: Path, change) -> Path:
    frame = pd.read_csv(good, dtype=str, keep_default_na=False)
    frame = change(frame)
    target = tmp_path / "broken.csv"
    frame.to_csv(target, index=False)
    return target


def test_a_malformed_export_is_refused_with_file_row_and_problem(two, tmp_path):
    (path, _), _ = two
    good = tmp_path / "good.csv"
    measures.export(dbmod.connect(path), good, today=TODAY)

    def pain_eleven(f):
        f.loc[3, "pain"] = "11"
        return f

    def old_version(f):
        f.loc[7, "dictionary_version"] = "0.9"
        return f

    def a_name(f):
        f.loc[0, "pseudonym"] = "Maya"
        return f

    cases = [
        (lambda f: f.drop(columns=["school"]), None, "missing ['school']"),
        (lambda f: f.assign(note="x"), None, "unknown ['note']"),
        (old_version, 8, "dictionary version '0.9'"),
        (pain_eleven, 4, "pain = '11' is not allowed"),
        (a_name, 1, "pseudonym = 'Maya' is not allowed"),
    ]
    for change, row, problem in cases:
        with pytest.raises(measures.PoolError) as refused:
            measures.pool([_broken(tmp_path, good, change)], tmp_path / "out")
        assert refused.value.file == "broken.csv" and refused.value.row == row
        assert problem in refused.value.problem
    assert not (tmp_path / "out").exists()  # nothing written from a refused file


def test_the_command_line_exports_and_pools(two, tmp_path, capsys):
    (north, _), (south, _) = two
    for path in (north, south):
        assert (
            main(["--db", str(path), "measures", "export", str(tmp_path / f"{path.stem}.csv")]) == 0
        )
    printed = capsys.readouterr().out
    assert "rows" in printed and "coarsened" in printed
    files = [str(tmp_path / "NORTH.csv"), str(tmp_path / "SOUTH.csv")]
    assert main(["measures", "pool", *files, "--out", str(tmp_path / "all")]) == 0
    assert "2 programmes" in capsys.readouterr().out
    bad = tmp_path / "bad.csv"
    bad.write_text("dictionary_version\n1.0\n")
    assert main(["measures", "pool", str(bad), "--out", str(tmp_path / "x")]) == 2
    assert "bad.csv" in capsys.readouterr().err
