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
from companion.people import account_admin, patients, population
from companion.people.population import PREFER_NOT, Treatment

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
    # outcome fields draw from their own stream, so the rest of a seeded demo stays the same
    fields_rng = random.Random(seed * 7919 + 1)
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
            _outcome_fields(db, clinicians[i % len(clinicians)], patient, fields_rng)
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


# Made-up shares for demo populations, roughly the shape of US paediatric pain programmes
# (mostly girls, mostly white, a sizeable Hispanic group): enough for real subgroup sizes
# at bench scale, not a claim about any programme.
_SHARES = {
    "sex_at_birth": (("female", 70), ("male", 28), ("intersex", 1), (PREFER_NOT, 1)),
    "gender_identity": (
        ("girl", 62),
        ("boy", 26),
        ("nonbinary", 5),
        ("trans_girl", 1),
        ("trans_boy", 2),
        ("another", 1),
        (PREFER_NOT, 3),
    ),
    "language": (("en", 84), ("es", 12), ("zh", 1), ("vi", 1), ("other", 1), (PREFER_NOT, 1)),
    "insurance": (("private", 55), ("public", 38), ("none", 2), ("other", 2), (PREFER_NOT, 3)),
    "travel_time": (("under_1h", 35), ("1_3h", 40), ("over_3h", 15), ("out_of_region", 10)),
}
_RACE = (
    (("white",), 58),
    (("hispanic",), 14),
    (("black",), 10),
    (("asian",), 6),
    (("hispanic", "white"), 5),
    (("mena",), 2),
    (("aian",), 1),
    (("nhpi",), 1),
    ((PREFER_NOT,), 3),
)


def _pick(rng: random.Random, shares):
    values, weights = zip(*shares, strict=True)
    return rng.choices(values, weights=weights)[0]


def _outcome_fields(db, clinician, patient, rng: random.Random) -> None:
    """Treatment and population fields for a demo teen; about one field in ten is left not
    recorded, as in real programmes."""

    def maybe(value):
        return None if rng.random() < 0.1 else value

    stay = rng.randint(14, 35)
    admitted = patient.discharged_on - timedelta(days=stay)
    treatment = Treatment(
        setting=maybe("inpatient" if rng.random() < 0.6 else "day"),
        referred_on=maybe(admitted - timedelta(days=rng.randint(20, 150))),
        admitted_on=admitted,
        admission_fdi=maybe(min(60, max(10, round(rng.gauss(33, 8))))),
        admission_pain=maybe(min(10, max(2, round(rng.gauss(6.5, 1.5))))),
    )
    values = {key: maybe(_pick(rng, shares)) for key, shares in _SHARES.items()}
    values["race_ethnicity"] = maybe(list(_pick(rng, _RACE)))
    population._write_treatment(db, patient.episode_id, treatment)
    population._write(db, patient.id, population.clean(values), clinician)


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
