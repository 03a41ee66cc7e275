"""Every page × role × relation to one teen's record, through the real app (AppTest).

Pages come from the navigation registry, so a new page is covered without anyone
remembering. Forbidden: the page is not registered for the role, or it shows nothing of the
record. Allowed: pages that show a teen's record show it."""

from __future__ import annotations

import re

import pytest

from companion import navigation
from tests.apptest import app, texts

# Pages that show one teen's record when the visitor may see it.
RECORD_PAGES = {
    "pages/teen_home.py",
    "pages/parent_overview.py",
    "pages/clinician_patients.py",
    "pages/clinician_patient.py",
    "pages/clinician_plan.py",
    "pages/clinician_followup.py",
}
# Pages about accounts, not records: admins may list every account and the audit log of
# who did what (PRODUCT.md §3); neither holds clinical content.
ACCOUNT_PAGES = {"pages/admin_users.py", "pages/admin_audit.py"}

VISITORS = {
    # name: (how to find the user in the world, may they see teen 0's function data?)
    "own teen": (lambda w: w.teen_users[0], True),
    "another teen": (lambda w: w.teen_users[1], False),
    "linked parent": (lambda w: w.parent_a, True),
    "other family's parent": (lambda w: w.parent_b, False),
    "care team clinician": (lambda w: w.clinician_a, True),
    "other care team clinician": (lambda w: w.clinician_b, False),
    "admin": (lambda w: w.admin, False),
    "signed out": (lambda w: None, False),
}


def shows(text: str, name: str) -> bool:
    return re.search(rf"\b{re.escape(name)}\b", text) is not None


@pytest.mark.parametrize("visitor", list(VISITORS))
def test_every_page_for_every_relation(world, db, visitor):
    find, may_see = VISITORS[visitor]
    user = find(world)
    role = user.role.value if user else navigation.SIGNED_OUT
    target = world.teens[0]
    registered = {p.path for p in navigation.pages_for(role, set_up=True)}
    cells = 0
    for spec in navigation.PAGES:
        cells += 1
        if spec.path not in registered:
            with pytest.raises(ValueError):
                app(user, db, page=spec.path)
            continue
        at = app(user, db, page=spec.path, patient=target.id)
        assert not at.exception, (spec.path, at.exception)
        page = texts(at)
        if may_see:
            if spec.path in RECORD_PAGES:
                assert shows(page, target.display_name), (visitor, spec.path)
        elif spec.path not in ACCOUNT_PAGES:
            assert not shows(page, target.display_name), (visitor, spec.path)
            assert not shows(page, target.username), (visitor, spec.path)
    assert cells == len(navigation.PAGES)


def test_a_clinician_cannot_open_a_patient_off_their_care_team_by_id(world, db):
    at = app(world.clinician_b, db, page="pages/clinician_patient.py", patient=world.teens[0].id)
    page = texts(at)
    assert not shows(page, world.teens[0].display_name)
    # the picker falls back to their own patients
    assert shows(page, world.teens[1].display_name)


def test_a_parent_sees_only_their_linked_teen(world, db):
    at = app(world.parent_a, db, page="pages/parent_overview.py", patient=world.teens[1].id)
    page = texts(at)
    assert shows(page, world.teens[0].display_name)
    for other in world.teens[1:]:
        assert not shows(page, other.display_name)
