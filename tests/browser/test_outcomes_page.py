"""The Outcomes page in chromium on a 30-teen programme: a clinician at a desk picks a
measure, a follow-up and a split as a person does (tap the box, tap the option), and an admin
reads it on a phone; every count a table shows is 0 or 11 and over, no teen's name or
username is on the page, axe-core finds no serious violation, and it reflows at 200% zoom."""

from __future__ import annotations

import csv
import io
import re
import zipfile

import pytest
from playwright.sync_api import expect

from companion import db as dbmod
from companion import programme
from tests.browser import conftest as kit
from tests.browser.conftest import T, no_script_errors, serious_axe_violations, shot
from tests.browser.test_phone_pages import _reflows

TEENS = 30


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    yield from kit.own_demo_server(
        tmp_path_factory, "outcomes-server", seed=5, teens=TEENS, days=400, visits=True
    )


def _cells(page) -> list[str]:
    return [c.strip() for c in page.locator("[data-testid=stMain] table td").all_inner_texts()]


def _check(page, passwords) -> None:
    """No count from 1 to 10 in any table cell ("11 of 34 (32%)" counts too), no teen named."""
    cells = _cells(page)
    assert cells
    numbers = [int(c) for c in cells if c.isdigit()]
    numbers += [int(n) for c in cells for pair in re.findall(r"(\d+) of (\d+)", c) for n in pair]
    assert not [n for n in numbers if 1 <= n <= 10]
    text = page.locator("[data-testid=stMain]").inner_text()
    for username in passwords:
        if username not in ("admin", "dr.rivera", "pt.okafor"):
            assert username not in text


def test_a_clinician_reads_outcomes_at_a_desk(server, desktop):
    running, passwords = server
    kit.enter(desktop, running.url, "dr.rivera", path="/outcomes")
    expect(desktop.get_by_role("heading", name="Programme outcomes")).to_be_visible(timeout=T)
    expect(desktop.get_by_text("Teen-episodes discharged")).to_be_visible(timeout=T)
    kit.settled(desktop)
    _check(desktop, passwords)
    kit.choose(desktop, "Measure", "Pain (0–10, mean of the 14 days before)")
    expect(desktop.get_by_role("cell", name=re.compile(r"^\+?-?\d\.\d \(")).first).to_be_visible(
        timeout=T
    )
    kit.choose(desktop, "Split by", "Sex assigned at birth")
    expect(desktop.get_by_role("cell", name="Intersex", exact=True)).to_be_visible(timeout=T)
    _check(desktop, passwords)
    expect(desktop.get_by_test_id("stVegaLiteChart").first).to_be_visible(timeout=T)
    no_script_errors(desktop)
    shot(desktop, "desktop-outcomes")
    # the common measures, downloaded: a ZIP with the CSV and its dictionaries, audited
    kit.settled(desktop)
    with desktop.expect_download() as waiting:
        desktop.get_by_role("button", name="Download the common measures (ZIP)").click()
    download = waiting.value
    assert download.suggested_filename.startswith("common-measures-")
    with zipfile.ZipFile(download.path()) as archive:
        names = archive.namelist()
        rows = list(csv.DictReader(io.StringIO(archive.read(names[0]).decode())))
    assert names[0].endswith(".csv") and any(n.endswith(".dictionary.json") for n in names)
    assert len({r["pseudonym"] for r in rows}) == TEENS
    for username in passwords:
        assert all(username not in value for r in rows for value in r.values())
    audited = kit.saved_rows(
        running, "SELECT detail FROM audit_log WHERE action = 'export_measures'"
    )
    assert audited == [{"detail": f"{len(rows)} rows, {TEENS} teens"}]
    assert serious_axe_violations(desktop) == []


def test_an_admin_reads_them_on_a_phone(server, phone):
    running, passwords = server
    kit.enter(phone, running.url, "admin", path="/outcomes")
    expect(phone.get_by_text("Teen-episodes discharged")).to_be_visible(timeout=T)
    kit.settled(phone)
    _check(phone, passwords)
    shot(phone, "phone-admin-outcomes-data")
    # the yearly report, as the admin taps it: a PDF and a web page, both audited
    for button, start in (
        ("Yearly report (PDF)", b"%PDF"),
        ("Yearly report (web page)", b"<!doctype"),
    ):
        kit.settled(phone)
        with phone.expect_download() as waiting:
            phone.get_by_role("button", name=button).click()
        with open(waiting.value.path(), "rb") as made:
            assert made.read(16).startswith(start)
    audited = kit.saved_rows(running, "SELECT detail FROM audit_log WHERE action = 'export_yearly'")
    database = dbmod.connect(running.db_path)
    year = programme.local_today(programme.get_settings(database)).year  # the box's default
    database.close()
    assert audited == [{"detail": f"{year}, PDF"}, {"detail": f"{year}, HTML"}]
    assert serious_axe_violations(phone) == []
    assert _reflows(phone, "outcomes", ("200% zoom",)) == []
