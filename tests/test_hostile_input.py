"""Hostile input: hypothesis drives every validator and store write function with arbitrary
text (Unicode, control characters, very long strings), numbers (NaN, infinities, huge) and
dates. Each call either succeeds or raises one of the domain's own errors; a refused call
leaves every table exactly as it was (no partial rows), and the file stays consistent.

Each example works on a fresh copy of a small demo database, built once."""

from __future__ import annotations

import shutil
import uuid
from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from companion import access, programme
from companion import db as dbmod
from companion.auth import accounts, csrf, mfa, passwords, sessions
from companion.care import checkins, plans, questionnaires, visits
from companion.errors import CompanionError
from companion.library import articles
from companion.people import account_admin, data_rights, enrolment, family, patients
from tests.conftest import TODAY

text = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=200, max_size=3000),
    st.sampled_from(
        ["", " ", "\x00", "\u202e", "<script>alert(1)</script>", "[x](javascript:1)", "a" * 10_000]
    ),
)
number = st.one_of(
    st.integers(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True),
)
day = st.one_of(st.dates(), st.just(TODAY), st.just(TODAY - timedelta(days=2)))
anything = st.one_of(
    st.none(),
    st.booleans(),
    text,
    number,
    day,
    st.lists(text, max_size=3),
    st.dictionaries(text, text, max_size=3),
)
maybe = st.one_of(anything, number, day)


class World:
    """The template's people, read fresh from each copy."""

    def __init__(self, db):
        def user(name):
            return accounts.find_user_by_username(db, name)

        self.admin = user("admin")
        self.clinician = user("dr.rivera")
        self.teen_patient = patients.get_patient(db, 1)
        self.teen = accounts.get_user(db, self.teen_patient.user_id)
        self.parent = user("rosa.parent")


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    from companion.ops import demo

    path = tmp_path_factory.mktemp("hostile") / "c.db"
    database = dbmod.connect(path, migrate=True)
    demo.create_demo(database, seed=2, teens=2, today=TODAY, history=False)
    teen = patients.get_patient(database, 1)
    clinician = accounts.find_user_by_username(database, "dr.rivera")
    plans.save_plan(
        database,
        clinician,
        teen.id,
        today=TODAY,
        starts_on=teen.discharged_on,
        exercises=[{"name": "Walk", "days_per_week": 7}],
    )
    plans.save_goal(database, clinician, teen.id, text="Go to school", category="school")
    database.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    database.close()
    return path


def counts(db) -> dict[str, int]:
    tables = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    return {t: db.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for t in tables}


# name: (call(db, world, args), strategy for args, examples). Every write function and
# validator that takes what a person typed.
CASES = {
    "clean_username": (lambda db, w, a: accounts.clean_username(a), anything, 200),
    "clean_display_name": (lambda db, w, a: accounts.clean_display_name(a), anything, 200),
    "check_strength": (lambda db, w, a: passwords.check_strength(a), anything, 60),
    "create_user": (
        lambda db, w, a: accounts.create_user(
            db, username=a[0], role=a[1], display_name=a[2], password=a[3]
        ),
        st.tuples(anything, st.sampled_from(["teen", "parent", "x", None]), anything, anything),
        40,
    ),
    "enrol_at_discharge": (
        lambda db, w, a: enrolment.enrol_at_discharge(
            db,
            w.clinician,
            display_name=a[0],
            username=a[1],
            birth_year=a[2],
            discharged_on=a[3],
            diagnosis_group=a[4],
            today=TODAY,
            baseline_fdi=a[5],
            baseline_pain=a[6],
        ),
        st.tuples(
            anything,
            anything,
            maybe,
            maybe,
            st.one_of(anything, st.sampled_from(patients.DIAGNOSIS_GROUPS)),
            maybe,
            maybe,
        ),
        60,
    ),
    "readmit": (
        lambda db, w, a: enrolment.readmit(
            db,
            w.clinician,
            w.teen_patient.id,
            discharged_on=a[0],
            admitted_on=a[1],
            today=TODAY,
            baseline_fdi=a[2],
            baseline_pain=a[3],
        ),
        st.tuples(maybe, maybe, maybe, maybe),
        60,
    ),
    "save_checkin": (
        lambda db, w, a: checkins.save_checkin(
            db, w.teen, w.teen_patient.id, day=a[0], today=TODAY, values=a[1]
        ),
        st.tuples(
            maybe,
            st.dictionaries(
                st.sampled_from(list(checkins.FIELDS) + ["outcomes", "coping", "x"]), maybe
            ),
        ),
        100,
    ),
    "save_exercise_outcome": (
        lambda db, w, a: checkins.save_exercise_outcome(
            db, w.teen, w.teen_patient.id, day=a[0], today=TODAY, key=a[1], status=a[2]
        ),
        st.tuples(maybe, st.one_of(anything, st.just("walk")), anything),
        60,
    ),
    "log_coping_use": (
        lambda db, w, a: checkins.log_coping_use(
            db, w.teen, w.teen_patient.id, skill=a[0], helpfulness=a[1], day=a[2], today=TODAY
        ),
        st.tuples(anything, maybe, maybe),
        80,
    ),
    "set_favourite": (
        lambda db, w, a: checkins.set_favourite(db, w.teen, w.teen_patient.id, a[0], a[1]),
        st.tuples(anything, anything),
        40,
    ),
    "set_sharing": (
        lambda db, w, a: access.set_sharing(db, w.teen, w.teen_patient.id, pain=a[0], mood=a[1]),
        st.tuples(anything, anything),
        40,
    ),
    "save_plan": (
        lambda db, w, a: plans.save_plan(
            db,
            w.clinician,
            w.teen_patient.id,
            today=TODAY,
            starts_on=a[0],
            exercises=a[1],
            coping_skills=a[2],
        ),
        st.tuples(
            maybe,
            st.lists(
                st.dictionaries(
                    st.sampled_from(["name", "dose", "days_per_week", "video_url"]), maybe
                ),
                max_size=3,
            ),
            st.lists(anything, max_size=3),
        ),
        60,
    ),
    "save_goal": (
        lambda db, w, a: plans.save_goal(
            db, w.clinician, w.teen_patient.id, text=a[0], category=a[1], steps=a[2]
        ),
        st.tuples(
            anything,
            st.one_of(anything, st.sampled_from(plans.GOAL_CATEGORIES)),
            st.lists(anything, max_size=4),
        ),
        60,
    ),
    "record_goal_progress": (
        lambda db, w, a: plans.record_goal_progress(
            db, w.teen, w.teen_patient.id, a[0], rating=a[1], steps_done=a[2], today=TODAY
        ),
        st.tuples(
            st.one_of(st.just(1), maybe), maybe, st.one_of(st.lists(maybe, max_size=3), anything)
        ),
        60,
    ),
    "record_visit": (
        lambda db, w, a: visits.record_visit(
            db,
            w.clinician,
            w.teen_patient.id,
            day=a[0],
            today=TODAY,
            pain=a[1],
            fdi_total=a[2],
            notes=a[3],
        ),
        st.tuples(maybe, maybe, maybe, anything),
        80,
    ),
    "record_fdi_total": (
        lambda db, w, a: questionnaires.record_fdi_total(
            db, w.clinician, w.teen_patient.id, a[0], day=a[1], today=TODAY
        ),
        st.tuples(maybe, maybe),
        60,
    ),
    "save_parent_check": (
        lambda db, w, a: family.save_parent_check(
            db, w.parent, w.teen_patient.id, ratings=a[0], note=a[1], today=TODAY
        ),
        st.tuples(
            st.dictionaries(st.sampled_from(list(family.CHECK_AREAS) + ["x"]), maybe), anything
        ),
        60,
    ),
    "save_settings": (
        lambda db, w, a: programme.save_settings(db, a, actor=w.admin),
        st.dictionaries(st.sampled_from(programme.EDITABLE), maybe, max_size=4),
        100,
    ),
    "mark_read": (
        lambda db, w, a: articles.mark_read(db, w.teen, a[0], read=bool(a[1])),
        st.tuples(anything, anything),
        40,
    ),
    "delete_patient": (
        lambda db, w, a: data_rights.delete_patient(db, w.admin, w.teen_patient.id, a),
        st.one_of(anything, st.just("maya")),
        30,
    ),
    "redeem_password_code": (
        lambda db, w, a: accounts.redeem_password_code(db, a[0], a[1]),
        st.tuples(anything, anything),
        40,
    ),
    "register_parent": (
        lambda db, w, a: accounts.register_parent(
            db, a[0], username=a[1], display_name=a[2], password=a[3]
        ),
        st.tuples(anything, anything, anything, anything),
        40,
    ),
    "link_existing_parent": (
        lambda db, w, a: accounts.link_existing_parent(db, w.parent, a),
        anything,
        40,
    ),
    "change_password": (
        lambda db, w, a: accounts.change_password(db, w.teen, a[0], a[1]),
        st.tuples(anything, anything),
        30,
    ),
    "archive_goal": (
        lambda db, w, a: plans.archive_goal(db, w.clinician, w.teen_patient.id, a),
        maybe,
        40,
    ),
    "reset_code": (
        lambda db, w, a: account_admin.issue_reset_code(db, w.admin, a),
        maybe,
        40,
    ),
    "set_active": (
        lambda db, w, a: account_admin.set_active(db, w.admin, a[0], a[1]),
        st.tuples(maybe, anything),
        40,
    ),
    "care_team": (
        lambda db, w, a: account_admin.add_to_care_team(db, w.admin, w.teen_patient.id, a),
        maybe,
        40,
    ),
    "session_token": (lambda db, w, a: sessions.user_for_token(db, a), anything, 60),
    "csrf_token": (lambda db, w, a: csrf.check_token("secret", a), anything, 60),
    "two_step_code": (lambda db, w, a: mfa.verify(db, w.clinician.id, a), anything, 60),
    "pending_token": (lambda db, w, a: mfa.pending_user("secret", a), anything, 60),
    "describe_code": (lambda db, w, a: accounts.describe_code(db, a), anything, 60),
}
EXAMPLES = {name: case[2] for name, case in CASES.items()}


def _run_case(template, tmp_path, name, args):
    path = tmp_path / f"{uuid.uuid4().hex}.db"
    shutil.copy(template, path)
    database = dbmod.connect(path)
    try:
        world = World(database)
        before = counts(database)
        call = CASES[name][0]
        try:
            call(database, world, args)
        except CompanionError:
            after = counts(database)
            assert after == before, "a refused call changed the database"
        except TypeError as error:  # the one non-domain refusal allowed: a wrong Python type
            raise AssertionError(f"{name} raised TypeError: {error}") from error
        assert not database.conn.in_transaction
        assert database.execute("PRAGMA foreign_key_check").fetchall() == []
    finally:
        database.close()


def _test(name):
    @settings(
        max_examples=EXAMPLES[name],
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(args=CASES[name][1])
    def run(template, tmp_path, args):
        _run_case(template, tmp_path, name, args)

    run.__name__ = f"test_{name}_never_crashes_and_never_half_writes"
    return run


for _name in CASES:
    globals()[f"test_{_name}_never_crashes_and_never_half_writes"] = _test(_name)
