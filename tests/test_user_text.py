"""User text is always shown as typed: names, notes, questions, goals and steps, plan text,
custom coping skills, visit notes, parent notes, programme texts and article overrides are
filled with Markdown and HTML, and every page of every role is searched for any place that
would render it (Markdown elements and labels holding the raw markup)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from companion import programme
from companion.care import checkins, plans, visits
from companion.people import family
from companion.ui import navigation
from tests.apptest import app

# Markup that Markdown or HTML would change: bold, a link, a tag, a heading.
HOSTILE = "Zed **BOLD** [LINK](https://evil.example) <b>TAG</b> # HEAD"
RAW = ("**BOLD**", "[LINK](", "<b>TAG</b>")
# Elements whose text Streamlit renders as Markdown (text, code and tables are plain).
MARKDOWN_KINDS = (
    "title",
    "header",
    "subheader",
    "markdown",
    "caption",
    "success",
    "info",
    "warning",
    "error",
)
LABELLED = (
    "button",
    "text_input",
    "text_area",
    "selectbox",
    "multiselect",
    "radio",
    "checkbox",
    "toggle",
    "number_input",
    "slider",
    "select_slider",
    "date_input",
    "tabs",
    "expander",
)


@pytest.fixture
def hostile(world, db, tmp_path, monkeypatch):
    monkeypatch.setenv("COMPANION_CONTENT_BASE", str(tmp_path))  # folders sit under the base
    teen = world.teens[0]
    today = programme.local_today(programme.get_settings(db))
    for user in (world.teen_users[0], world.parent_a, world.clinician_a):
        db.execute("UPDATE users SET display_name = ? WHERE id = ?", [HOSTILE, user.id])
    plans.save_plan(
        db,
        world.clinician_a,
        teen.id,
        today=today,
        starts_on=teen.discharged_on,
        exercises=[
            {"name": HOSTILE, "dose": "10 **reps**", "days_per_week": 7, "instructions": HOSTILE}
        ],
        coping_skills=["Diaphragmatic breathing", HOSTILE],
        warning_signs=HOSTILE,
        what_helps=HOSTILE,
        contacts=HOSTILE,
        change_note=HOSTILE,
    )
    plans.save_goal(
        db, world.clinician_a, teen.id, text=HOSTILE, category="school", steps=[HOSTILE]
    )
    checkins.import_history(
        db,
        teen,
        [
            {"day": today - timedelta(days=n), "pain": 4, "note": HOSTILE, "question": HOSTILE}
            for n in range(3)
        ],
    )
    visits.record_visit(
        db, world.clinician_a, teen.id, day=today, today=today, pain=3, fdi_total=20, notes=HOSTILE
    )
    family.save_parent_check(
        db,
        world.parent_a,
        teen.id,
        ratings={"school": 2, "activities": 3, "exercise": 1},
        note=HOSTILE,
        today=today,
    )
    article = tmp_path / "sleep.md"
    article.write_text(
        f'---\nslug: sleep\ntitle: "{HOSTILE}"\naudience: teen\ntopic: Everyday life\n'
        f'minutes: 2\nsummary: "{HOSTILE}"\nsources: ["{HOSTILE}"]\nreviewed_by: "{HOSTILE}"\n'
        f"reviewed_on: 2026-11-01\n---\n{HOSTILE}\n\n- {HOSTILE}\n"
    )
    programme.save_settings(
        db,
        {"name": HOSTILE, "help_text": HOSTILE, "articles_folder": str(tmp_path)},
        actor=world.admin,
    )
    return teen


def rendered_raw(at) -> list[str]:
    """Every place on the page where the raw markup would be rendered."""
    found = []
    for kind in MARKDOWN_KINDS:
        for element in at.get(kind):
            value = str(element.value)
            if any(raw in value for raw in RAW):
                found.append(f"{kind}: {value[:120]}")
    for kind in LABELLED:
        for element in at.get(kind):
            label = str(getattr(element, "label", "") or "")
            if any(raw in label for raw in RAW):
                found.append(f"{kind} label: {label[:120]}")
    for link in at.get("page_link"):
        if any(raw in link.proto.label for raw in RAW):
            found.append(f"page_link: {link.proto.label[:120]}")
    return found


@pytest.mark.parametrize("who", ["teen", "parent", "clinician", "admin"])
def test_no_page_renders_user_text_as_markup(world, db, hostile, who):
    user = {
        "teen": world.teen_users[0],
        "parent": world.parent_a,
        "clinician": world.clinician_a,
        "admin": world.admin,
    }[who]
    checked = 0
    for spec in navigation.pages_for(user.role.value, set_up=True):
        query = {"patient": hostile.id}
        if spec.path == "pages/learn.py":
            query["article"] = "sleep"
        at = app(user, db, page=spec.path, **query)
        assert not at.exception, (spec.path, at.exception)
        assert rendered_raw(at) == [], spec.path
        checked += 1
    assert checked == len(navigation.pages_for(user.role.value, set_up=True))


def test_the_hostile_text_is_really_on_the_pages(world, db, hostile):
    """The test above can fail: the markup is shown (escaped or as plain text) somewhere."""
    from tests.apptest import texts

    at = app(world.clinician_a, db, page="pages/clinician_followup.py", patient=hostile.id)
    page = texts(at)
    assert HOSTILE in page or "Zed \\*\\*BOLD\\*\\*" in page
    teen = app(world.teen_users[0], db, page="pages/teen_setback.py")
    assert "\\<b\\>TAG\\</b\\>" in texts(teen) or HOSTILE in texts(teen)
