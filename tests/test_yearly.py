"""The yearly outcomes report (companion/insight/yearly.py): the figures a programme
publishes, in words, as HTML and as a PDF of one or two pages; no group under 11 teens, no
teen named; too small a year says so; only clinicians and admins get it."""

from __future__ import annotations

import re
from datetime import date

import pytest

from companion.access import AccessDenied
from companion.insight import outcome_tables, outcomes, yearly
from tests.conftest import TODAY, demo_file, user_named

YEAR = TODAY.year


@pytest.fixture(scope="module")
def _programme(tmp_path_factory):
    """40 teens discharged over the last 300 days (most of them in TODAY's year)."""
    return demo_file(tmp_path_factory, "yearly", seed=21, teens=40, days=300, visits=True)


def _cells(page: str) -> list[str]:
    return [
        re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", page)
    ]


def test_the_web_page_gives_the_figures_in_words_and_hides_small_groups(programme_db, _programme):
    db = programme_db
    report = yearly.for_year(
        db, user_named(db, "admin"), year=YEAR, today=TODAY, programme_name="Demo"
    )
    page = yearly.to_html(report, today=TODAY)
    cohort = outcomes._load(db, first=date(YEAR, 1, 1), last=TODAY, today=TODAY)
    n = len(cohort.episodes)
    assert n >= 11
    assert f"<h1>Programme outcomes, {YEAR}</h1>" in page and '<html lang="en">' in page
    assert f"In {YEAR}, {n} teens finished the programme." in page
    for heading in (
        "Who took part",
        "Gender identity",
        "Race and ethnicity",
        "How teens were doing",
    ):
        assert f"<h2>{heading}</h2>" in page
    # the FDI at discharge as the Outcomes page gives it, without its interval
    table, _ = outcome_tables.measure_table(cohort, "fdi")
    discharge = table.set_index("Time point").loc["Discharge", "Mean (95% CI)"].split(" (")[0]
    assert f"<td>{discharge}</td>" in page
    cells = _cells(page)
    numbers = [int(c) for c in cells if c.isdigit()]
    numbers += [int(x) for c in cells for pair in re.findall(r"(\d+) of (\d+)", c) for x in pair]
    assert numbers and not [x for x in numbers if 1 <= x <= 10]
    for account in _programme[1].accounts:
        if account.role == "teen":
            assert account.display_name not in page and account.username not in page
    assert '<th scope="col">' in page and '<th scope="row">' in page


def test_the_pdf_is_one_or_two_pages_and_the_download_is_audited(programme_db):
    db = programme_db
    admin = user_named(db, "admin")
    data = yearly.pdf(db, admin, year=YEAR, today=TODAY, programme_name="Demo")
    assert data.startswith(b"%PDF")
    pages = len(re.findall(rb"/Type\s*/Page\b(?!s)", data))
    assert 1 <= pages <= 2
    yearly.web_page(db, admin, year=YEAR, today=TODAY, programme_name="Demo")
    details = [
        r[0] for r in db.execute("SELECT detail FROM audit_log WHERE action = 'export_yearly'")
    ]
    assert details == [f"{YEAR}, PDF", f"{YEAR}, HTML"]


def test_a_year_with_few_teens_says_so(programme_db):
    report = yearly.for_year(
        programme_db,
        user_named(programme_db, "dr.rivera"),
        year=YEAR - 5,
        today=TODAY,
        programme_name="Demo",
    )
    page = yearly.to_html(report, today=TODAY)
    assert "Fewer than 11 teens finished the programme" in page
    assert "<table>" not in page


def test_teens_and_parents_are_refused(world, db):
    for who in (world.teen_users[0], world.parent_a, None):
        with pytest.raises(AccessDenied):
            yearly.for_year(db, who, year=YEAR, today=TODAY, programme_name="Demo")
