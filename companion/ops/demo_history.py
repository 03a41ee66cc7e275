"""Realistic made-up care plans and daily histories for demo teens (and benchmarks).

Function improves more than pain; weekends have no school; some days go unlogged; each teen
has one bad week; one teen's pain never moves while their function improves
(docs/clinical-sources.md: a flat pain line can belong to a late responder).
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from sqlite_utils import Database

from companion.care import checkins, plans, questionnaires, visits
from companion.identity import User
from companion.people.patients import Patient

EXERCISES = (
    ("Wall squats", "3 × 10", 7, "Back against the wall, slide down slowly, hold 3 seconds."),
    ("Step-ups", "2 × 15 each leg", 5, "Use the bottom stair. Stand tall at the top."),
    ("Brisk walk", "20 min", 7, "Walk at a pace where you can talk but not sing."),
    ("Hamstring stretch", "3 × 30 s", 7, "Keep your back straight; stretch, don't bounce."),
    ("Texture rub (desensitisation)", "5 min", 7, "Rub soft, then rougher fabric on the area."),
    ("Plank", "3 × 20 s", 4, "Elbows under shoulders, body in a straight line."),
    ("Calf raises", "3 × 15", 5, "Rise up slowly on your toes, lower slowly."),
)
ACTIVE = ("Walking", "Cycling", "Swimming", "Dance", "Sport", "Outdoor play", "Chores")


def add_plans_and_history(
    db: Database,
    clinician: User,
    patient: Patient,
    *,
    rng: random.Random,
    today: date,
    flat_pain: bool = False,
    visits: bool = False,
) -> None:
    discharge = patient.discharged_on
    total = max((today - discharge).days, 1)
    chosen = rng.sample(EXERCISES, rng.randint(3, 5))
    skills = rng.sample(plans.BUILT_IN_SKILLS[:9], 4)
    base = dict(
        coping_skills=skills,
        warning_signs="Staying in bed longer, skipping school, pain above 7 for two days.",
        what_helps="Belly breathing, a short walk, keeping school the same, texting a friend.",
        contacts="Clinic line on weekdays; parents at home; school nurse.",
        modules=["school_extras"] + (["hydration"] if rng.random() < 0.5 else []),
        follow_ups=[discharge + timedelta(days=d) for d in (30, 120, 365)],
    )
    plans.save_plan(
        db,
        clinician,
        patient.id,
        today=discharge,
        starts_on=discharge,
        exercises=[_row(e) for e in chosen[:-1]],
        **base,
    )
    change = discharge + timedelta(days=max(1, total * 2 // 5))
    if change <= today:
        first = plans.list_versions(db, patient.id)[0]
        kept = [
            {**_row(e), "key": first.exercise(k).key, "days_per_week": 7}
            for e, k in zip(chosen[:1], [first.exercises[0].key], strict=True)
        ]
        rest = [
            {**_row(e), "key": x.key}
            for e, x in zip(chosen[1:-1], first.exercises[1:], strict=True)
        ]
        plans.save_plan(
            db,
            clinician,
            patient.id,
            today=change,
            starts_on=change,
            exercises=kept + rest + [_row(chosen[-1])],
            change_note="Added one exercise",
            **base,
        )
    _goals(db, clinician, patient, rng, today)
    checkins.import_history(db, patient, _days(db, patient, rng, today, flat_pain))
    _fdi(db, clinician, patient, rng, today, visits)


def _fdi(db, clinician, patient, rng, today, as_visits: bool) -> None:
    """FDI totals entered at discharge and at monthly visits: disability falls, more for
    most teens than pain does (docs/clinical-sources.md: 88% disability responders). With
    ``as_visits`` each is a recorded follow-up visit (with the pain that day)."""
    score = rng.randint(24, 36)
    day = patient.discharged_on
    while day <= today:
        if as_visits:
            visits.record_visit(
                db,
                clinician,
                patient.id,
                day=day,
                today=today,
                pain=rng.randint(2, 7),
                fdi_total=score,
                notes="Follow-up visit",
            )
        else:
            questionnaires.record_fdi_total(db, clinician, patient.id, score, day=day, today=today)
        score = max(2, score - rng.randint(3, 9))
        day += timedelta(days=30)


def _row(e: tuple) -> dict:
    name, dose, days, how = e
    return {"name": name, "dose": dose, "days_per_week": days, "instructions": how}


def _goals(db, clinician, patient, rng, today) -> None:
    from companion.auth.accounts import get_user

    teen = get_user(db, patient.user_id)
    school = plans.save_goal(
        db,
        clinician,
        patient.id,
        text="Back to full school days",
        category="school",
        steps=["Mornings every day", "Three full days a week", "Full week"],
    )
    plans.save_goal(
        db,
        clinician,
        patient.id,
        text="Join a team practice again",
        category="sport",
        steps=["Watch a practice", "Join the warm-up"],
    )
    week = plans.week_start(patient.discharged_on) + timedelta(days=7)
    rating = 0
    while week <= today:
        rating = min(4, rating + (1 if rng.random() < 0.4 else 0))
        plans.record_goal_progress(
            db,
            teen,
            patient.id,
            school.id,
            rating=rating,
            steps_done=list(range(min(rating, 3))),
            today=week,
        )
        week += timedelta(days=7)


def _days(db, patient, rng, today, flat_pain) -> list[dict]:
    versions = plans.list_versions(db, patient.id)
    total = max((today - patient.discharged_on).days, 1)
    bad_start = rng.randint(total // 4, max(total // 4, total * 3 // 4))
    rows = []
    for n in range(total + 1):
        day = patient.discharged_on + timedelta(days=n)
        bad = bad_start <= n < bad_start + 7
        if rng.random() < (0.3 if bad else 0.1):
            continue  # a missed log
        progress = n / total
        rows.append(_day(day, progress, bad, flat_pain, plans.plan_on(versions, day), rng))
    return rows


def _day(day, progress, bad, flat_pain, plan, rng) -> dict:
    weekday = day.weekday() < 5
    pain = 6 + rng.choice([-1, 0, 0, 1]) if flat_pain else 7 - 3 * progress + rng.gauss(0, 0.8)
    full = 0.3 + 0.6 * progress - (0.4 if bad else 0)
    if weekday:
        r = rng.random()
        school = (
            "full"
            if r < full
            else "part"
            if r < full + 0.25
            else ("absent_pain" if r < 0.97 else "absent_other")
        )
    else:
        school = "none"
    do = 0.5 + 0.35 * progress - (0.3 if bad else 0)
    outcomes = {}
    for e in plan.exercises if plan else ():
        if rng.random() < (7 - e.days_per_week) / 7:
            continue
        r = rng.random()
        outcomes[e.key] = "done" if r < do else "part" if r < do + 0.15 else "not_done"
    skills = list(plan.coping_skills) if plan else []
    coping = [
        {"skill": s, "helpfulness": rng.randint(4, 9)}
        for s in rng.sample(skills, min(len(skills), rng.randint(0, 2)))
    ]
    return {
        "day": day,
        "pain": int(min(10, max(0, round(pain + (2 if bad else 0))))),
        "mood": int(min(5, max(1, round(2.5 + 1.5 * progress + rng.gauss(0, 0.6) - bad)))),
        "sleep_hours": rng.choice([6.5, 7, 7.5, 8, 8.5, 9]),
        "sleep_quality": rng.randint(2, 5),
        "school": school,
        "nurse_visits": rng.choice([0, 0, 0, 1]) if school in {"full", "part"} else 0,
        "early_pickup": school == "part" and rng.random() < 0.5,
        "active_minutes": int(max(0, 15 + 45 * progress + rng.gauss(0, 10) - (15 if bad else 0))),
        "activities": rng.sample(ACTIVE, rng.randint(0, 2)),
        "drinks": rng.randint(4, 8),
        "outcomes": outcomes,
        "coping": coping,
        "note": "Rough day, stayed on the couch a lot." if bad and rng.random() < 0.3 else "",
        "question": "Can I go back to swimming?" if rng.random() < 0.02 else "",
    }
