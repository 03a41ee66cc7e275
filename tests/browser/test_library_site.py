"""The public library exported as a static website (``python -m companion library export``):
a page for every public article and for no other, every link landing on a written page, no
JavaScript, the help-now lines on each page, and axe's WCAG 2.1 A/AA rules in chromium."""

from __future__ import annotations

import re
import subprocess
import sys
from html.parser import HTMLParser

from playwright.sync_api import expect

from companion import programme
from companion.library import articles, site
from tests.browser import conftest as kit
from tests.conftest import ROOT

LIBRARY = articles.load_library()
SETTINGS = {**programme.DEFAULTS, "name": "Hillside Pain Programme", "clinic_line": "555-0100"}


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs, self.scripts = [], 0

    def handle_starttag(self, tag, attrs):
        self.scripts += tag == "script"
        self.hrefs += [v for k, v in attrs if k in ("href", "src")]


def test_the_site_holds_every_public_article_and_nothing_else(tmp_path):
    written = site.export(LIBRARY, SETTINGS, tmp_path)
    public = {slug for slug, a in LIBRARY.articles.items() if a.public}
    assert len(public) >= 3
    assert {p.name for p in written} == {"index.html", "style.css"} | {f"{s}.html" for s in public}
    for page in (p for p in written if p.suffix == ".html"):
        text = page.read_text()
        links = _Links()
        links.feed(text)
        assert links.scripts == 0, page.name
        for href in links.hrefs:
            assert (tmp_path / href).is_file(), (page.name, href)
        assert "Call or text 988 any time." in text and "555-0100" in text
        assert "Hillside Pain Programme" in text
    private = [a for a in LIBRARY.articles.values() if not a.public]
    index = (tmp_path / "index.html").read_text()
    assert not [a.title for a in private if re.search(re.escape(a.title), index)]
    page = (tmp_path / "parent-after-discharge.html").read_text()
    assert "Sources" in page and "Not yet reviewed by this programme." in page


def test_the_command_line_writes_the_site(tmp_path):
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "companion",
            "--db",
            str(tmp_path / "c.db"),
            "library",
            "export",
            str(tmp_path / "site"),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "Wrote" in done.stdout and (tmp_path / "site" / "index.html").is_file()


def test_every_exported_page_passes_axe_on_a_phone_and_prints(tmp_path, phone):
    written = site.export(LIBRARY, SETTINGS, tmp_path)
    problems = []
    for page in (p for p in written if p.suffix == ".html"):
        phone.goto(page.as_uri())
        expect(phone.locator("h1")).to_have_count(1)
        problems += [f"{page.name}: {v}" for v in kit.serious_axe_violations(phone)]
        width = phone.evaluate("document.documentElement.scrollWidth")
        if width > 391:
            problems.append(f"{page.name}: scrolls sideways ({width} px)")
    phone.goto((tmp_path / "what-is-iipt.html").as_uri())
    phone.emulate_media(media="print")
    expect(phone.get_by_role("complementary", name="Help now")).to_be_hidden()
    kit.shot(phone, "library-site-article-phone")
    assert not problems, "\n".join(problems)


def test_a_programme_article_marked_public_is_in_the_site_and_one_not_marked_is_not(tmp_path):
    folder = tmp_path / "ours"
    folder.mkdir()
    text = (ROOT / "content" / "parent" / "what-is-iipt.md").read_text()
    (folder / "what-is-iipt.md").write_text(text.replace("Intensive pain programmes help", "OURS"))
    hidden = text.replace("slug: what-is-iipt", "slug: our-own").replace("public: true", "")
    (folder / "our-own.md").write_text(hidden)
    library = articles.load_library(folder, root=ROOT / "content")
    written = {p.name for p in site.export(library, SETTINGS, tmp_path / "site")}
    assert "what-is-iipt.html" in written and "our-own.html" not in written
    assert "OURS" in (tmp_path / "site" / "what-is-iipt.html").read_text()
