"""Every page × role × relation to one teen's record, through the real app (AppTest).

Pages come from the navigation registry, so a new page is covered without anyone
remembering. Forbidden: the page is not registered for the role, or it shows nothing of the
record. Allowed: pages that show a teen's record show it."""

from __future__ import annotations

import contextlib
import io
import re
from datetime import timedelta

import pytest

from companion import programme
from companion.auth import accounts
from companion.care import checkins, plans, visits
from companion.errors import AccessDenied
from companion.insight import progress, yearly
from companion.ops import fhir
from companion.people import account_admin, data_rights
from companion.ui import navigation
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
# who did what (docs/architecture.md, "Access: who sees what"); neither holds clinical content.
ACCOUNT_PAGES = {"pages/admin_users.py", "pages/admin_audit.py"}


def _deactivated(w, db):
    account_admin.set_active(db, w.admin, w.clinician_a.id, False)
    return accounts.get_user(db, w.clinician_a.id)


def _admins_clinician(w, db):
    """Issue 13, finding 5: an admin makes a clinician, redeems its code and tries to put it
    on teen 0's care team (refused: clinician A is active on it)."""
    staff, code = account_admin.create_staff(
        db, w.admin, username="dr.puppet", display_name="Dr Puppet"
    )
    accounts.redeem_password_code(db, code, "velvet-harbour-quietly-planted")
    with pytest.raises(AccessDenied):
        account_admin.add_to_care_team(db, w.admin, w.teens[0].id, staff.id)
    return accounts.get_user(db, staff.id)


def _shared_parents_clinician(w, db):
    """Issue 13, finding 6: parent B is linked to teen 1 (clinician A's and B's) and to teen
    0 (clinician A's); clinician B cannot reset parent B into teen 0's overview."""
    code = account_admin.issue_family_code(db, w.clinician_a, w.teens[0].id)
    accounts.link_existing_parent(db, w.parent_b, code)
    with pytest.raises(AccessDenied):
        account_admin.issue_reset_code(db, w.clinician_b, w.parent_b.id)
    return w.clinician_b


VISITORS = {
    # name: (how to find the user in the world, may they see teen 0's function data?)
    "own teen": (lambda w, db: w.teen_users[0], True),
    "another teen": (lambda w, db: w.teen_users[1], False),
    "linked parent": (lambda w, db: w.parent_a, True),
    "other family's parent": (lambda w, db: w.parent_b, False),
    "care team clinician": (lambda w, db: w.clinician_a, True),
    "other care team clinician": (lambda w, db: w.clinician_b, False),
    "deactivated care team clinician": (_deactivated, False),
    "admin": (lambda w, db: w.admin, False),
    "clinician an admin made": (_admins_clinician, False),
    "other team, sharing a parent": (_shared_parents_clinician, False),
    "signed out": (lambda w, db: None, False),
}
# What only teen 0's own teen and care team may read: a note, a question for the visit.
PRIVATE = ("PRIVATE-NOTE-7731", "PRIVATE-QUESTION-7731")
GOAL = "GOAL-TEXT-7731"  # function data: the linked parent sees goals too


@pytest.fixture
def marked(world, db):
    """Teen 0's record with text that can be searched for on every page and in every file."""
    teen = world.teens[0]
    today = programme.local_today(programme.get_settings(db))
    checkins.import_history(
        db, teen, [{"day": today, "pain": 7, "note": PRIVATE[0], "question": PRIVATE[1]}]
    )
    plans.save_goal(db, world.clinician_a, teen.id, text=GOAL, category="school")
    return teen, today


def shows(text: str, name: str) -> bool:
    return re.search(rf"\b{re.escape(name)}\b", text) is not None


@pytest.mark.parametrize("visitor", list(VISITORS))
def test_every_page_for_every_relation(world, db, marked, visitor):
    find, may_see = VISITORS[visitor]
    user = find(world, db)
    role = user.role.value if user and user.active else navigation.SIGNED_OUT
    target, _ = marked
    registered = {p.path for p in navigation.pages_for(role, set_up=True)}
    private_ok = visitor in ("own teen", "care team clinician")
    cells = 0
    probe = app(user, db)  # app.py once: the navigation it registers for this visitor
    for spec in navigation.PAGES:
        cells += 1
        if spec.path not in registered:
            with pytest.raises(ValueError):  # not a page of theirs: app.py never offers it
                probe.switch_page(spec.path)
            continue
        at = app(user, db, page=spec.path, patient=target.id)
        assert not at.exception, (spec.path, at.exception)
        assert at.title or at.header, spec.path  # every page the visitor may open has a title
        page = texts(at)
        if may_see:
            if spec.path in RECORD_PAGES:
                assert shows(page, target.display_name), (visitor, spec.path)
        elif spec.path not in ACCOUNT_PAGES:
            assert not shows(page, target.display_name), (visitor, spec.path)
            assert not shows(page, target.username), (visitor, spec.path)
        if not may_see:
            assert GOAL not in page, (visitor, spec.path)
        if not private_ok:
            for marker in PRIVATE:
                assert marker not in page, (visitor, spec.path)
    assert cells == len(navigation.PAGES)


@pytest.mark.parametrize("visitor", list(VISITORS))
def test_every_export_for_every_relation(world, db, marked, visitor):
    """The follow-up CSV, PDF and FHIR Bundle, the own-data ZIP and the programme's yearly
    report: the file or AccessDenied."""
    import zipfile

    find, _ = VISITORS[visitor]
    user = find(world, db)
    target, today = marked
    start = today - timedelta(days=13)
    p = progress.load(db, target, start=start, end=today, today=today, pain=True, mood=True)
    exports = {
        "csv": lambda: visits.daily_csv(db, user, target.id, start=start, end=today),
        "pdf": lambda: visits.followup_report(
            db, user, target.id, p, programme_name="P", today=today
        ),
        "zip": lambda: data_rights.export_zip(db, user, today=today),
        "fhir": lambda: fhir.patient_bundle(db, user, target.id, start=start, end=today),
        "yearly": lambda: yearly.web_page(
            db, user, year=today.year, today=today, programme_name="P"
        ),
    }
    # de-identified programme outcomes: clinicians and admins (active), whoever the teen is
    outcome_readers = ("care team clinician", "other care team clinician", "admin")
    outcome_readers += ("clinician an admin made", "other team, sharing a parent")
    for name, export in exports.items():
        # the follow-up files: the care team, and the teen (it is their own record)
        allowed = (
            (visitor in ("own teen", "care team clinician") and name in ("csv", "pdf", "fhir"))
            or (
                visitor in ("own teen", "linked parent", "another teen", "other family's parent")
                and name == "zip"
            )
            or (visitor in outcome_readers and name == "yearly")
        )
        if not allowed:
            with pytest.raises(AccessDenied):
                export()
            continue
        data = export()
        if name == "zip":
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                text = "\n".join(archive.read(n).decode() for n in archive.namelist())
            mine = visitor == "own teen"
            assert (PRIVATE[0] in text) is mine, visitor  # only the teen's own download
        elif name == "csv":
            assert PRIVATE[0] in data.decode()
        elif name == "fhir":
            assert f'"Patient/patient-{target.id}"' in data.decode()
        elif name == "yearly":
            assert "Programme outcomes" in data.decode() and PRIVATE[0] not in data.decode()
        else:
            import pypdf

            reader = pypdf.PdfReader(io.BytesIO(data))
            assert PRIVATE[1] in " ".join(reader.pages[0].extract_text().split())


def test_the_cli_prints_no_record_content(world, db, db_path, marked, capsys, tmp_path):
    from companion.__main__ import main

    for argv in (["migrate"], ["backup", str(tmp_path)]):
        with contextlib.suppress(SystemExit):
            main(["--db", str(db_path), *argv])
        out = capsys.readouterr()
        for secret in (*PRIVATE, GOAL, world.teens[0].display_name):
            assert secret not in out.out + out.err, argv


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
