"""Every page of every role in real chromium, taken from the navigation: the sidebar lists
exactly the role's pages, and each page opens with its heading, help now in the sidebar, one
h1, no error and no serious or critical WCAG 2.1 A/AA violation found by axe-core, at 390×844;
and it reflows (WCAG 1.4.10) with no sideways scrolling and nothing cut off at 390, at 320 CSS
px and at 640×400 CSS px (a 1280×800 screen at 200% zoom lays out the same way). Signed in,
pages after the first are opened by changing the address in place, as the Back button does:
each costs a script run, not a new session."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from companion.ui import navigation
from tests.browser import conftest as kit
from tests.browser.conftest import (
    PHONE,
    T,
    no_script_errors,
    serious_axe_violations,
    shot,
    typed,
)

ROLES = {"maya": "teen", "rosa.parent": "parent", "dr.rivera": "clinician", "admin": "admin"}
# 320 CSS px (1.4.10), and a 1280×800 desktop at 200% zoom: 640×400 CSS px
REFLOW = {"320 px": {"width": 320, "height": 800}, "200% zoom": {"width": 640, "height": 400}}

OVERFLOW = """() => {
  const width = innerWidth;
  const scrolls = e => { const o = getComputedStyle(e).overflowX;
    return (o === 'auto' || o === 'scroll') && e !== document.documentElement
      && e !== document.body && e.dataset.testid !== 'stMain'
      && e.dataset.testid !== 'stAppViewContainer'; };
  const cut = [];
  for (const e of document.querySelectorAll('[data-testid=stMain] *')) {
    const r = e.getBoundingClientRect();
    if (r.width === 0 || r.height === 0 || getComputedStyle(e).visibility === 'hidden') continue;
    // Streamlit's own hidden date box is never shown
    if (e.closest('.hidden-dateinput-container, [data-testid=hidden-dateinput-container]')) {
      continue;
    }
    let inside = null;  // a box of its own that scrolls sideways (a table, a chart's frame)
    for (let p = e.parentElement; p && p.dataset?.testid !== 'stMain'; p = p.parentElement) {
      if (scrolls(p)) { inside = p; break; }
    }
    const box = inside ? inside.getBoundingClientRect() : {left: 0, right: width};
    if (r.left < box.left - 1 || r.right > box.right + 1) {
      cut.push(`${e.tagName}.${(e.dataset.testid || e.getAttribute('class') || '').slice(0, 40)}`
        + ` ${Math.round(r.left)}..${Math.round(r.right)} '${(e.innerText || '').slice(0, 30)}'`);
    }
  }
  return {
    scroll: Math.max(document.documentElement.scrollWidth, document.body.scrollWidth,
      ...[...document.querySelectorAll('[data-testid=stMain]')].map(e => e.scrollWidth)),
    width, cut: cut.slice(0, 5),
  };
}"""


GO = "path => { history.pushState({}, '', path); dispatchEvent(new PopStateEvent('popstate')); }"


def _laid_out(page) -> list[str]:
    """Sideways scrolling or anything cut off, at the page's size now."""
    found = page.evaluate(OVERFLOW)
    problems = [f"cut off: {c}" for c in found["cut"]]
    if found["scroll"] > found["width"] + 1:
        problems.insert(0, f"scrolls sideways ({found['scroll']} > {found['width']})")
    return problems


def _reflows(page, name: str, sizes=tuple(REFLOW)) -> list[str]:
    """The page at 390 px, then at each of ``sizes``, then back at the phone's."""
    problems = [f"{name} at 390 px: {p}" for p in _laid_out(page)]
    charts = page.get_by_test_id("stVegaLiteChart").count()
    for size in sizes:
        viewport = REFLOW[size]
        page.set_viewport_size(viewport)
        page.wait_for_function(f"innerWidth === {viewport['width']}")
        if charts:  # a chart keeps the width it was drawn at: draw the page again at this size
            page.reload()
            expect(page.locator("[data-testid=stMain] :is(h1, h2)").first).to_be_visible(timeout=T)
            _settled(page)
            expect(page.get_by_test_id("stVegaLiteChart")).to_have_count(charts, timeout=T)
        problems += [f"{name} at {size}: {p}" for p in _laid_out(page)]
    page.set_viewport_size(PHONE["viewport"])
    return problems


def _settled(page) -> None:
    expect(page.get_by_test_id("stSkeleton")).to_have_count(0, timeout=T)
    expect(page.locator("[data-stale=true]")).to_have_count(0, timeout=T)
    no_script_errors(page)
    expect(page.get_by_role("dialog")).to_have_count(0)  # no "Page not found" over it


@pytest.mark.parametrize("username", list(ROLES))
def test_every_page_fits_a_phone(demo_server, phone, username):
    server, passwords = demo_server
    kit.enter(phone, server.url, username)
    links = phone.get_by_test_id("stSidebarNavLink")
    expected = navigation.pages_for(ROLES[username], set_up=True)
    expect(links).to_have_count(len(expected), timeout=T)
    names = [links.nth(i).text_content().strip() for i in range(links.count())]
    titles = [p.title for p in expected]  # each link's text is its icon's name, then its title
    assert all(n.endswith(t) for n, t in zip(names, titles, strict=True)), (names, titles)
    sidebar = phone.get_by_test_id("stSidebar")
    title = phone.locator("[data-testid=stMain] :is(h1, h2)").first
    problems: list[str] = []
    for n, spec in enumerate(expected):
        stem = Path(spec.path).stem
        if n:  # the first is the home page, where signing in lands (its address is "/")
            before = title.inner_text()
            phone.evaluate(GO, f"/{stem}")
            link = phone.locator(f'[data-testid=stSidebarNavLink][href="{server.url}/{stem}"]')
            expect(link).to_have_attribute("aria-current", "page", timeout=T)
            expect(title).not_to_have_text(before, timeout=T)
        expect(title).to_be_visible(timeout=T)
        _settled(phone)
        for line in ("Call or text 988 any time.", "isn't watched in real time"):
            expect(sidebar.get_by_text(line, exact=False)).to_be_attached()
        h1 = phone.locator("[data-testid=stMain] h1").count()
        if h1 != 1:  # headings form an outline: one title per page
            problems.append(f"{stem}: {h1} h1 headings")
        shot(phone, f"phone-{username}-{stem}")
        problems += [f"{stem}: {v}" for v in serious_axe_violations(phone)]
        # staff work at a desk: their pages reflow at 200% zoom; a 320 px phone is for families
        staff = ROLES[username] in ("clinician", "admin")
        problems += _reflows(phone, stem, ("200% zoom",) if staff else tuple(REFLOW))
    assert not problems, "\n".join(problems)


def test_signed_out_pages_pass_axe_and_reflow_on_a_phone(demo_server, phone):
    server, _ = demo_server
    problems: list[str] = []
    for stem, heading in (
        ("", "Demo"),
        ("redeem", "I have a code"),
        ("help", "Help now"),
        ("learn", "Learn"),
    ):
        phone.goto(f"{server.url}/{stem}")
        expect(phone.get_by_role("heading", name=heading).first).to_be_visible(timeout=T)
        _settled(phone)
        problems += [f"{stem or 'signin'}: {v}" for v in serious_axe_violations(phone)]
        problems += _reflows(phone, stem or "signin")
    # a form with an error: the state a first load doesn't show
    phone.goto(f"{server.url}/redeem")
    box = phone.get_by_role("textbox", name="Your code")
    typed(box, "WRONG-CODE")
    phone.get_by_role("button", name="Continue").click()
    expect(phone.get_by_text("That code doesn't work")).to_be_visible(timeout=T)
    problems += [f"redeem with an error: {v}" for v in serious_axe_violations(phone)]
    assert not problems, "\n".join(problems)
