"""Synthetic programmes for demos, tests and benchmarks. Never created unless asked for."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlite_utils import Database

from companion import programme
from companion.auth import accounts, passwords
from companion.db import transaction
from companion.errors import InvalidInput
from companion.identity import Role
from companion.ops import demo_history
from companion.people import account_admin, patients

TEEN_NAMES = ("Maya", "Jordan", "Ava", "Sam", "Lena", "Noah", "Priya", "Eli", "Zoe", "Kai")
PARENT_NAMES = ("Rosa", "Daniel", "Mei", "Grace", "Omar", "Hannah")
CLINICIANS = (("dr.rivera", "Dr. Rivera (pain physician)"), ("pt.okafor", "Alex Okafor (PT)"))


@dataclass
class DemoAccount:
    role: str
    username: str
    display_name: str
    password: str


@dataclass
class Demo:
    programme_name: str
    accounts: list[DemoAccount] = field(default_factory=list)
    patient_ids: list[int] = field(default_factory=list)


def _passphrase(rng: random.Random) -> str:
    words = passwords._word_list()
    while True:
        phrase = "-".join(rng.choice(words) for _ in range(4))
        try:
            passwords.check_strength(phrase)
        except Exception:
            continue
        return phrase


def create_demo(
    db: Database,
    *,
    seed: int = 7,
    teens: int = 4,
    today: date | None = None,
    days: int = 120,
    history: bool = True,
    clinicians: int = 2,
    parents: int = 2,
    visits: bool = False,
) -> Demo:
    """A demo programme: an admin, ``clinicians`` clinicians, ``teens`` teens discharged 10
    to ``days`` days ago, and ``parents`` parents (one for each of the first teens). Each teen
    gets a care plan (with one change), goals and daily check-ins up to today unless
    ``history`` is off; with ``visits``, FDI totals come from recorded follow-up visits.
    Passwords are drawn from ``seed`` (one per role) and returned. The benchmark builds a
    programme of 500 teens, 3 clinicians and 400 parents with this."""
    if programme.is_set_up(db) or accounts.list_users(db):
        raise InvalidInput(
            "_form", "This database already holds a programme; demo data go in an empty one."
        )
    rng = random.Random(seed)
    today = today or programme.local_today(programme.DEFAULTS)
    pw = {role: _passphrase(rng) for role in ("admin", "clinician", "teen", "parent")}
    demo = Demo(programme_name="Demo Children's Pain Rehabilitation Programme")
    with transaction(db):
        admin = account_admin.first_run(
            db,
            programme_name=demo.programme_name,
            crisis_line="988",
            emergency_number="911",
            help_text="",
            clinic_line="Pain clinic 555-0100, weekdays 8 to 5 (a demo number)",
            timezone="America/New_York",
            admin_username="admin",
            admin_display_name="Programme admin",
            admin_password=pw["admin"],
        )
        demo.accounts.append(DemoAccount("admin", "admin", "Programme admin", pw["admin"]))
        staff = list(CLINICIANS[:clinicians]) + [
            (f"clinician{n}", f"Clinician {n}") for n in range(len(CLINICIANS) + 1, clinicians + 1)
        ]
        clinicians = [
            _staff(db, admin, name, display, pw["clinician"], demo) for name, display in staff
        ]
        for i in range(teens):
            patient = _teen(db, rng, i, clinicians, pw["teen"], today, teens, days, demo)
            demo.patient_ids.append(patient.id)
            if history:
                lead = clinicians[i % len(clinicians)]
                demo_history.add_plans_and_history(
                    db, lead, patient, rng=rng, today=today, flat_pain=(i % 4 == 1), visits=visits
                )
        for i, patient_id in enumerate(demo.patient_ids[:parents]):
            _parent(db, clinicians[0], i, patient_id, pw["parent"], demo)
    return demo


def _staff(db, admin, username, display, password, demo):
    user, code = account_admin.create_staff(db, admin, username=username, display_name=display)
    accounts.redeem_password_code(db, code, password)
    demo.accounts.append(DemoAccount("clinician", username, display, password))
    return user


def _teen(db, rng, i, clinicians, password, today, count, days, demo):
    name = TEEN_NAMES[i % len(TEEN_NAMES)] + ("" if i < len(TEEN_NAMES) else f" {i + 1}")
    username = name.lower().replace(" ", "")
    # spread discharges over 10..120 days ago, the first teen the most recent
    days_ago = 10 + round((days - 10) * i / max(count - 1, 1)) if count > 1 else min(30, days)
    lead = clinicians[i % len(clinicians)]
    patient, code = patients.enrol_teen(
        db,
        lead,
        display_name=name,
        username=username,
        birth_year=today.year - rng.randint(11, 17),
        discharged_on=today - timedelta(days=days_ago),
        diagnosis_group=patients.DIAGNOSIS_GROUPS[i % (len(patients.DIAGNOSIS_GROUPS) - 1)],
        today=today,
    )
    if i == 1:  # one teen shared by both clinicians, so care teams overlap
        for other in clinicians:
            patients._add_to_care_team(db, patient.id, other, actor=lead)
    accounts.redeem_password_code(db, code, password)
    demo.accounts.append(DemoAccount("teen", username, name, password))
    return patient


def _parent(db, clinician, i, patient_id, password, demo):
    code = account_admin.issue_family_code(
        db, _care_team_member(db, clinician, patient_id), patient_id
    )
    name = PARENT_NAMES[i % len(PARENT_NAMES)]
    username = f"{name.lower()}.parent" + ("" if i < len(PARENT_NAMES) else str(i + 1))
    accounts.register_parent(db, code, username=username, display_name=name, password=password)
    demo.accounts.append(DemoAccount("parent", username, name, password))


def _care_team_member(db, fallback, patient_id):
    for user in accounts.list_users(db, role=Role.CLINICIAN):
        if patients.is_on_care_team(db, user["id"], patient_id):
            return accounts.get_user(db, user["id"])
    return fallback
