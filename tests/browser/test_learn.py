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
