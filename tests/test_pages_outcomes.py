"""The Outcomes page through the real app (AppTest): a clinician and an admin read the
programme's figures; no count from 1 to 10 is visible anywhere on it; with fewer than 11
teens nothing is shown; no name or username of any teen is on it."""

from __future__ import annotations

import re

import pytest

from companion.insight import outcome_tables, outcomes
from tests.apptest import app, texts
from tests.conftest import TODAY, demo_file, user_named

PAGE = "pages/outcomes.py"
COUNT_COLUMNS = ("Teens", "Teens with a value", "Teens who reached it", "With data")


@pytest.fixture(scope="module")
def _programme(tmp_path_factory):
    """A 30-teen demo programme discharged over 400 days, with histories and visits."""
    return demo_file(tmp_path_factory, "outcomes", seed=5, teens=30, days=400, visits=True)


def _counts(at) -> list[str]:
    """Every count cell the page shows: the count columns of its tables, and every cell of
    the band-shift table."""
    cells = []
    for frame in at.table:
        value = frame.value
        if value.index.name == "At discharge":
            cells += [str(v) for v in value.to_numpy().ravel()]
        for column in COUNT_COLUMNS:
            if column in value.columns:
                cells += [str(v) for v in value[column]]
    return cells


def _assert_no_small_count(at) -> None:
    cells = _counts(at)
    assert cells  # the page showed counts to check
    small = [c for c in cells if c.isdigit() and 1 <= int(c) <= 10]
    assert small == []
    # counts in sentences too ("11 of 34"): never from 1 to 10
    for text in re.findall(r"(\d+) of (\d+)", texts(at)):
        assert not any(1 <= int(n) <= 10 for n in text), text


def test_a_clinician_reads_the_programme_outcomes(programme_db, _programme):
    db = programme_db
    at = app(user_named(db, "dr.rivera"), db, page=PAGE)
    assert not at.exception
    page = texts(at)
    assert "Programme outcomes" in page and "Teen-episodes discharged" in page
    assert "30" in page  # N
    _assert_no_small_count(at)
    # no teen's name or username anywhere on the page
    for account in _programme[1].accounts:
        if account.role == "teen":
            assert account.display_name not in page and account.username not in page
    # every measure and every split can be chosen without an error
    for measure in outcome_tables.MEASURES:
        at.selectbox(key="outcomes_measure").set_value(measure).run()
        assert not at.exception
        _assert_no_small_count(at)
    for split in outcomes.SPLITS:
        at.selectbox(key="outcomes_split").set_value(split).run()
        assert not at.exception
        _assert_no_small_count(at)


def test_an_admin_reads_them_too_and_a_short_period_shows_nothing(programme_db):
    db = programme_db
    at = app(user_named(db, "admin"), db, page=PAGE)
    assert not at.exception and "Teen-episodes discharged" in texts(at)
    at.date_input(key="outcomes_first").set_value(TODAY).run()
    assert not at.exception
    page = texts(at)
    assert "Fewer than 11 teens" in page and "Teen-episodes discharged" not in page
    at.date_input(key="outcomes_last").set_value(TODAY.replace(year=TODAY.year - 3)).run()
    assert "Choose a period" in texts(at)


def test_the_small_world_shows_the_empty_state(world, db):
    at = app(world.clinician_a, db, page=PAGE)
    assert not at.exception
    assert "Fewer than 11 teens" in texts(at)


def _number(text: str) -> int | None:
    return int(text) if str(text).isdigit() else None


def _small(a: int | None, b: int | None) -> bool:
    return a is not None and b is not None and 1 <= a - b <= 10


def test_no_hidden_count_follows_from_two_shown_ones(programme_db):
    """Across the page's tables: a count with a value beside the teens who reached the time
    point, the teens with both beside each: no difference of two shown counts is from 1 to
    10; and the groups' tables give no exact count to set beside a group's size."""
    cohort = outcomes._load(programme_db, first=TODAY.replace(year=2024), last=TODAY, today=TODAY)
    kept, _ = outcome_tables.retention_table(cohort)
    reached = dict(zip(kept["Time point"], map(_number, kept["Teens who reached it"]), strict=True))
    with_data = dict(zip(kept["Time point"], map(_number, kept["With data"]), strict=True))
    checked = 0
    for measure in outcome_tables.MEASURES:
        table, _ = outcome_tables.measure_table(cohort, measure)
        valued = dict(
            zip(table["Time point"], map(_number, table["Teens with a value"]), strict=True)
        )
        for point, v in valued.items():
            assert not _small(reached[point], v), (measure, point)
            assert not _small(with_data[point], v) and not _small(v, with_data[point])
        for point, change in zip(
            table["Time point"], table["Change from discharge (95% CI)"], strict=True
        ):
            both = re.search(r"in (\d+) teens", change)
            if both:
                b = int(both.group(1))
                assert not _small(valued[point], b) and not _small(valued["Discharge"], b)
                assert not _small(reached[point], b)
                checked += 1
        for split in outcomes.SPLITS:
            for tp in (outcomes.BY_KEY[key] for key in ("discharge", "1m", "3m")):
                groups, _ = outcome_tables.by_group_table(cohort, split, measure, tp.key)
                shown = dict(zip(groups["Group"], groups["Teens with a value"], strict=True))
                assert _number(shown.pop("All")) in (None, valued[tp.label])
                # no group's exact count: beside its size it would tell how many had none
                assert set(shown.values()) <= {outcome_tables.AT_LEAST, outcome_tables.HIDDEN}
                checked += sum(v == outcome_tables.AT_LEAST for v in shown.values())
    assert checked > 20  # the programme had figures to check
