"""Learn: the shipped library (schema, reading level, links), programme overrides, search and
filters, suggestions from the reader's own week, and the page itself (AppTest)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import textstat

from companion import programme, ui
from companion.care import checkins
from companion.library import articles
from tests.apptest import app, texts
from tests.conftest import ROOT

LIBRARY = articles.load_library()
ARTICLE = """---
slug: {slug}
title: {title}
audience: {audience}
topic: Everyday life
minutes: 2
summary: A short test article.
sources:
  - "IIPT Companion clinical sources (docs/clinical-sources.md)"
reviewed_by: ""
reviewed_on: ""
---
{body}
"""


def write(folder, name, *, slug=None, title="A title", audience="teen", body="Some words."):
    slug = slug or name
    text = ARTICLE.format(slug=slug, title=title, audience=audience, body=body)
    (folder / f"{name}.md").write_text(text, encoding="utf-8")


# --- the shipped library -----------------------------------------------------------------


def test_the_shipped_library_loads_without_problems_and_every_link_resolves():
    assert LIBRARY.problems == ()
    for article in LIBRARY.articles.values():
        for slug in article.links:
            assert slug in LIBRARY.articles, (article.slug, slug)


def test_the_library_covers_the_topics_the_programme_asked_for():
    teen = {a.slug for a in LIBRARY.articles.values() if a.audience == "teen"}
    parent = {a.slug for a in LIBRARY.articles.values() if a.audience == "parent"}
    assert len(teen) >= 12 and len(parent) >= 8
    assert {
        "how-pain-works",
        "function-first",
        "pacing-and-boom-bust",
        "hard-days",
        "sleep",
        "back-to-school",
        "exercise-at-home",
        "talking-with-friends",
        "eating-and-drinking",
        "screens-and-sleep",
        "skill-breathing",
        "skill-relaxation",
    } <= teen
    assert {
        "parent-responding-to-pain",
        "parent-school-return",
        "parent-praising-effort",
        "parent-looking-after-yourself",
        "parent-hard-days",
        "parent-when-to-call",
        "what-is-iipt",
        "parent-supporting-exercise",
    } <= parent


@pytest.mark.parametrize("slug", sorted(LIBRARY.articles))
def test_each_article_reads_at_the_level_product_md_sets(slug):
    article = LIBRARY.articles[slug]
    text = article.text
    limit = 6 if article.audience == "teen" else 8
    assert textstat.flesch_kincaid_grade(text) <= limit, slug
    assert textstat.smog_index(text) <= 9, slug
    assert 150 <= len(text.split()) <= 900, slug
    assert article.sources and article.summary
    # left for the programme to fill; once filled, both are, and the date is a real past date
    assert bool(article.reviewed_by) == bool(article.reviewed_on), slug
    if article.reviewed_on:
        assert date.fromisoformat(str(article.reviewed_on)) <= date.today(), slug


def test_file_names_match_their_slugs():
    from companion import config

    for folder in articles.BUILT_IN:
        for path in (config.CONTENT_DIR / folder).glob("*.md"):
            assert articles.parse_article(path).slug == path.stem
            assert articles.parse_article(path).audience == folder


# --- parsing, overrides ------------------------------------------------------------------


def test_blocks_turn_a_body_into_plain_headings_paragraphs_and_lists():
    body = (
        "First line\nsame paragraph with [a link](article:sleep).\n\n"
        "## A heading\n\n- one\n- two **bold**\n  continued\n\n1. first\n2. second"
    )
    assert articles.blocks(body) == [
        articles.Block("paragraph", "First line same paragraph with a link."),
        articles.Block("heading", "A heading"),
        articles.Block("bullets", items=("one", "two bold continued")),
        articles.Block("numbers", items=("first", "second")),
    ]


def test_the_programme_folder_adds_and_replaces_and_reports_bad_files(tmp_path):
    write(tmp_path, "sleep", title="Our own sleep article", body="See [this](article:nowhere).")
    write(tmp_path, "clinic-parking", title="Parking at the clinic", audience="parent")
    (tmp_path / "broken.md").write_text("---\nslug: [unclosed\n---\nbody")
    (tmp_path / "evil.md").write_text("---\nslug: !!python/object/apply:os.system ['true']\n---\nx")
    write(tmp_path, "bad-topic", body="x")
    text = (tmp_path / "bad-topic.md").read_text().replace("Everyday life", "Astrology")
    (tmp_path / "bad-topic.md").write_text(text)
    (tmp_path / "huge.md").write_text("---\nslug: huge\n---\n" + "x" * 200_000)
    library = articles.load_library(tmp_path)
    assert library.articles["sleep"].title == "Our own sleep article"
    assert library.articles["sleep"].origin == "programme"
    assert library.articles["clinic-parking"].audience == "parent"
    assert len(library.articles) == len(LIBRARY.articles) + 1
    named = " ".join(library.problems)
    for name in ("broken.md", "evil.md", "bad-topic.md", "huge.md"):
        assert name in named
    assert "sleep: links to missing article(s) nowhere" in library.problems
    assert articles.load_library(tmp_path / "missing").articles == LIBRARY.articles


def reviewed(folder, name, by, on):
    write(folder, name, title=f"Reviewed {name}")
    text = (folder / f"{name}.md").read_text()
    text = text.replace('reviewed_by: ""', f"reviewed_by: {by}")
    (folder / f"{name}.md").write_text(text.replace('reviewed_on: ""', f"reviewed_on: {on}"))


def test_a_review_needs_a_name_and_a_past_date(tmp_path):
    tomorrow = date.today() + timedelta(days=1)
    reviewed(tmp_path, "done", "Dr. Lee, psychologist", "2026-11-30")  # unquoted: YAML date
    reviewed(tmp_path, "quoted", "Sam Park, PT", '"2026-10-01"')
    reviewed(tmp_path, "no-date", "Dr. Lee", '""')
    reviewed(tmp_path, "no-name", '""', "2026-11-30")
    reviewed(tmp_path, "future", "Dr. Lee", tomorrow.isoformat())
    reviewed(tmp_path, "not-a-date", "Dr. Lee", "last spring")
    library = articles.load_library(tmp_path)
    done, quoted = library.articles["done"], library.articles["quoted"]
    assert (done.reviewed_by, done.reviewed_on) == ("Dr. Lee, psychologist", "2026-11-30")
    assert (quoted.reviewed_by, quoted.reviewed_on) == ("Sam Park, PT", "2026-10-01")
    problems = {name: p for p in library.problems for name in [p.split(": ")[1]]}
    assert "go together" in problems["no-date.md"] and "go together" in problems["no-name.md"]
    assert "has not come yet" in problems["future.md"]
    assert "YYYY-MM-DD" in problems["not-a-date.md"]
    for slug in ("no-date", "no-name", "future", "not-a-date"):
        assert slug not in library.articles


def test_an_edited_override_file_is_read_again(tmp_path):
    write(tmp_path, "extra", title="Before")
    assert articles.load_library(tmp_path).articles["extra"].title == "Before"
    write(tmp_path, "extra", title="After, a longer title")
    assert articles.load_library(tmp_path).articles["extra"].title == "After, a longer title"


def test_search_and_filters():
    found = articles.filter_articles(LIBRARY, query="SLEEP")
    assert "sleep" in {a.slug for a in found}
    assert all("sleep" in f"{a.title} {a.summary} {a.text}".lower() for a in found)
    school = articles.filter_articles(LIBRARY, audience="parent", topic="School")
    assert school and all(a.audience == "parent" and a.topic == "School" for a in school)
    assert articles.filter_articles(LIBRARY, query="zzzz-not-a-word") == []


# --- suggestions ---------------------------------------------------------------------------


def test_a_teens_week_suggests_sleep_school_and_hard_days(world, db):
    teen, user = world.teens[0], world.teen_users[0]
    today = programme.local_today(programme.get_settings(db))
    rows = [{"day": today - timedelta(days=n), "pain": 3, "sleep_hours": 9} for n in range(7, 20)]
    rows += [
        {"day": today - timedelta(days=1), "pain": 6, "sleep_hours": 6, "school": "absent_pain"},
        {"day": today - timedelta(days=2), "pain": 4, "sleep_hours": 6.5, "school": "full"},
        {"day": today, "pain": 3, "sleep_hours": 8},
    ]
    checkins.import_history(db, teen, [r for r in rows if r["day"] >= teen.discharged_on])
    found = articles.suggestions(db, user, LIBRARY, today)
    assert [s.slug for s in found] == ["sleep", "back-to-school", "hard-days"]
    assert found[0].why == "You logged under 7 hours of sleep on 2 nights this week."
    assert found[1].why == "You missed 1 school day this week."


def test_a_quiet_week_suggests_nothing_and_marks_are_remembered(world, db):
    user = world.teen_users[2]
    today = programme.local_today(programme.get_settings(db))
    assert articles.suggestions(db, user, LIBRARY, today) == []
    articles.mark_read(db, user, "sleep")
    assert articles.read_slugs(db, user) == {"sleep"}
    articles.mark_read(db, user, "sleep", read=False)
    assert articles.read_slugs(db, user) == set()


def test_a_parent_is_offered_the_school_article_after_a_missed_day(world, db):
    teen = world.teens[0]  # linked to parent A
    today = programme.local_today(programme.get_settings(db))
    checkins.import_history(db, teen, [{"day": today, "school": "absent_pain", "pain": 9}])
    found = articles.suggestions(db, world.parent_a, LIBRARY, today)
    assert [s.slug for s in found] == ["parent-school-return"]
    assert "9" not in found[0].why  # function only: the parent is never told the pain score


# --- the page -----------------------------------------------------------------------------


def test_the_learn_page_lists_filters_searches_and_opens_an_article(world, db):
    at = app(world.teen_users[0], db, page="pages/learn.py")
    assert not at.exception
    assert at.selectbox(key="learn_audience").value == "teen"
    titles = [b.label for b in at.button if b.key.startswith("all_")]
    teen = sorted(a.title for a in LIBRARY.articles.values() if a.audience == "teen")
    assert sorted(t.strip("*").replace("\\", "") for t in titles) == teen
    at.selectbox(key="learn_topic").set_value("School").run()
    school = articles.filter_articles(LIBRARY, audience="teen", topic="School")
    assert len([b for b in at.button if b.key.startswith("all_")]) == len(school)
    at.selectbox(key="learn_topic").set_value(None)
    at.text_input(key="learn_search").input("zzzz-not-a-word").run()
    assert "No articles match" in texts(at)
    at.text_input(key="learn_search").input("").run()
    at.button(key="all_sleep").click().run()
    assert at.query_params["article"] in ("sleep", ["sleep"])
    page = texts(at)
    assert LIBRARY.articles["sleep"].title in page
    assert "Sources" in [e.label for e in at.expander]
    at.toggle(key="read_sleep").set_value(True).run()
    assert articles.read_slugs(db, world.teen_users[0]) == {"sleep"}


def test_marking_read_after_signing_out_elsewhere_saves_nothing(world, db):
    from companion.auth import sessions

    teen = world.teen_users[0]
    at = app(teen, db, page="pages/learn.py", article="sleep")
    assert not at.exception
    sessions.revoke(db, at.session_state[ui.TOKEN_KEY])  # signed out in another tab
    at.toggle(key="read_sleep").set_value(True).run()
    assert not at.exception
    assert articles.read_slugs(db, teen) == set()
    assert ui.SIGNED_OUT in texts(at)


def test_an_override_with_html_shows_as_typed_and_admins_see_bad_files(
    world, db, tmp_path, monkeypatch
):
    monkeypatch.setenv("COMPANION_CONTENT_BASE", str(tmp_path))  # folders sit under the base
    write(
        tmp_path,
        "sleep",
        title="<script>alert(1)</script> Sleep",
        body="A note with <b>tags</b> and [a web link](https://example.com).\n\n- *star*",
    )
    (tmp_path / "broken.md").write_text("---\nslug: [unclosed\n---\nbody")
    programme.save_settings(db, {"articles_folder": str(tmp_path)}, actor=world.admin)
    at = app(world.teen_users[0], db, page="pages/learn.py", article="sleep")
    assert not at.exception
    assert at.title[0].value == ui.esc("<script>alert(1)</script> Sleep")  # shown as typed
    shown = [e.value for e in at.markdown]
    assert any("\\<b\\>tags\\</b\\>" in v for v in shown)  # escaped, so shown as typed
    assert "Added by your programme." in texts(at)
    admin = app(world.admin, db, page="pages/admin_settings.py")
    assert any("broken.md" in w.value.replace("\\", "") for w in admin.warning)


def test_the_parent_overview_links_the_coaching_tip_to_its_article(world, db):
    teen = world.teens[0]
    today = programme.local_today(programme.get_settings(db))
    checkins.import_history(db, teen, [{"day": today, "school": "absent_other"}])
    at = app(world.parent_a, db, page="pages/parent_overview.py")
    links = [e.proto.label for e in at.get("page_link")]
    assert f"Read: {LIBRARY.articles['parent-school-return'].title}" in [
        label.replace("\\", "") for label in links
    ]


def test_a_visitor_who_is_not_signed_in_reads_only_the_public_articles(world, db):
    public = {slug for slug, a in LIBRARY.articles.items() if a.public}
    assert {"what-is-iipt", "parent-might-my-child-need-iipt", "parent-after-discharge"} <= public
    at = app(None, db, page="pages/learn.py")
    assert not at.exception, at.exception
    page = texts(at)
    for slug, article in LIBRARY.articles.items():
        assert (f"**{ui.esc(article.title)}**" in page) is (slug in public), slug
    assert "Suggested for you" not in page and "Sign in" in page
    at = app(None, db, page="pages/learn.py", article="parent-after-discharge")
    assert ui.esc(LIBRARY.articles["parent-after-discharge"].title) in texts(at)
    assert not at.toggle  # nothing to mark as read: no one is signed in
    # a non-public article by its address: the list, not the article
    at = app(None, db, page="pages/learn.py", article="sleep")
    assert LIBRARY.articles["sleep"].title not in texts(at)
    # searching stays inside the public articles
    at.text_input(key="learn_search").input("sleep").run()
    assert LIBRARY.articles["sleep"].title not in texts(at)


def test_public_must_be_true_or_false(tmp_path):
    text = (ROOT / "content" / "parent" / "what-is-iipt.md").read_text()
    bad = tmp_path / "what-is-iipt.md"
    bad.write_text(text.replace("public: true", 'public: "yes"'))
    with pytest.raises(ValueError, match="'public' must be true or false"):
        articles.parse_article(bad)
