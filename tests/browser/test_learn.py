"""Learn on a 390×844 phone in real chromium: the list, search, an article, mark as read."""

from __future__ import annotations

from playwright.sync_api import expect

from companion import db as dbmod
from tests.browser import conftest as kit
from tests.browser.conftest import T, no_script_errors, shot


def test_a_teen_finds_and_reads_an_article_on_a_phone(demo_server, phone):
    server, passwords = demo_server
    kit.enter(phone, server.url, "maya")
    expect(phone.get_by_role("heading", name="Hi Maya")).to_be_visible(timeout=T)
    phone.goto(server.url + "/learn")
    expect(phone.get_by_role("heading", name="Learn")).to_be_visible(timeout=T)
    no_script_errors(phone)
    shot(phone, "learn-phone")
    phone.get_by_label("Search articles").fill("breathing")
    phone.get_by_label("Search articles").press("Enter")
    phone.get_by_role("button", name="Belly breathing", exact=False).first.click()
    expect(phone.get_by_role("button", name="← All articles")).to_be_visible(timeout=T)
    expect(phone.get_by_text("Sources", exact=True)).to_be_visible(timeout=T)
    phone.get_by_text("I've read this").click()
    no_script_errors(phone)
    shot(phone, "learn-article-phone")
    phone.get_by_role("button", name="← All articles").click()
    expect(phone.get_by_text("· read").first).to_be_visible(timeout=T)
    database = dbmod.connect(server.db_path)
    try:
        saved = [
            slug
            for (slug,) in database.execute(
                "SELECT r.slug FROM article_reads r JOIN users u ON u.id = r.user_id"
                " WHERE u.username = 'maya'"
            )
        ]
    finally:
        database.close()
    assert saved == ["skill-breathing"]  # the one article she marked, saved as hers


def test_a_visitor_who_is_not_signed_in_reads_a_public_article_on_a_phone(demo_server, phone):
    """A family considering a programme opens Learn from the signed-out sidebar's address,
    searches, reads a public article with its sources and review line, and finds sign-in one
    tap away; no other article is listed and nothing is written to the database."""
    server, _ = demo_server
    reads_before = kit.saved_rows(server, "SELECT COUNT(*) AS n FROM article_reads")
    phone.goto(server.url + "/learn")
    expect(phone.get_by_role("heading", name="Learn", exact=True)).to_be_visible(timeout=T)
    cards = phone.get_by_role("button", name="intensive", exact=False)
    expect(cards).to_have_count(2, timeout=T)  # the two public articles about programmes
    expect(phone.get_by_role("button", name="Belly breathing", exact=False)).to_have_count(0)
    search = phone.get_by_label("Search articles")
    kit.typed(search, "home practice")
    kit.settled(phone)
    phone.get_by_role("button", name="After the programme", exact=False).click()
    expect(phone.get_by_role("button", name="← All articles")).to_be_visible(timeout=T)
    expect(phone.get_by_text("Doing more comes first")).to_be_visible(timeout=T)
    expect(phone.get_by_text("Sources", exact=True)).to_be_visible()
    expect(phone.get_by_text("Your programme has not reviewed this article yet.")).to_be_visible()
    expect(phone.get_by_text("I've read this")).to_have_count(0)
    expect(phone.get_by_text("Call or text 988 any time.", exact=False).first).to_be_attached()
    assert kit.serious_axe_violations(phone) == []
    no_script_errors(phone)
    shot(phone, "learn-visitor-article-phone")
    phone.get_by_role("link", name="Sign in").first.click()
    expect(phone.get_by_label("Username")).to_be_visible(timeout=T)
    assert kit.saved_rows(server, "SELECT COUNT(*) AS n FROM article_reads") == reads_before
