"""Today: the teen's daily check-in, one screen, phone first."""

import streamlit as st

from companion import access, ui
from companion.access import Permission
from companion.care import checkins, drafts, plans, questionnaires
from companion.identity import Role
from companion.insight import metrics, progress

user = ui.require_user(Role.TEEN)
patient = ui.own_patient(user)
settings = ui.settings()
today = ui.today()

st.title(ui.esc(f"Hi {user.display_name}"))
st.caption(today.strftime("%A %-d %B"))
if patient is None:
    st.info("Your care team hasn't finished setting up your account yet. Check back soon.")
    st.stop()
patient = ui.require_patient(user, Permission.WRITE_CHECKIN, patient.id)
database = ui.db()
st.page_link("pages/help.py", label="Help now", icon=":material/emergency:")
versions = plans.list_versions(database, patient.id)
step = progress.step_this_week(database, patient.id, versions, today=today)
in_force = plans.plan_on(versions, today)
if step is not None or (in_force and in_force.accommodations):
    with st.container(border=True):
        st.markdown("**Back to school**")
        if step is not None:
            st.text(f"This week's step: {step.step.target()} ({step.step.text})")
            st.caption(f"This week: {step.week_so_far()}.")
        st.page_link(
            "pages/teen_school.py", label="Make a note for school", icon=":material/school:"
        )

days = checkins.allowed_days(patient, today)
day = st.selectbox(
    "Day",
    days,
    format_func=lambda d: "Today" if d == today else d.strftime("%A %-d %B"),
    key="checkin_day",
)
ui.field_error("day")
plan = plans.plan_on(versions, day)
saved = checkins.find_checkin(database, patient.id, day)
# A new day starts empty: nothing is copied from another day, and what is left untouched is
# saved as not answered. A day already saved shows what was saved, to change it. What this
# sign-in entered and did not save yet (a reload, a dropped tab) comes back, and says so.
RESTORED = f"_draft_restored_{day.isoformat()}"
if RESTORED not in st.session_state:  # the first time this page draws the day
    st.session_state[RESTORED] = drafts.restore(database, user, patient.id, day)
elif ui.done("save_checkin") is not None:  # saved just now: nothing is unsaved any more
    st.session_state[RESTORED] = None
start = drafts.starting_answers(saved, st.session_state[RESTORED])
if st.session_state[RESTORED]:
    st.warning(
        "We kept what you entered for this day earlier. It is not saved yet: check it, then "
        "tap Save.",
        icon=":material/edit_note:",
    )
elif saved:
    st.caption("You already checked in for this day. Saving again updates it.")
else:
    st.caption("Answer what you can. Anything you skip is saved as not answered.")
st.info(access.who_reads_checkins(database, patient), icon=":material/visibility:")

# a questionnaire that is due appears as a card above the form
current_plan = in_force
found, _problems = questionnaires.load_all(settings.get("questionnaire_folder") or None)
for qid in current_plan.questionnaires if current_plan else ():
    q = found.get(qid)
    if (
        q is None
        or q.audience != "teen"
        or not questionnaires.due(database, patient, q, today=today)
    ):
        continue
    with st.container(border=True):
        st.markdown(f"**{ui.esc(q.title)}**")
        st.caption(ui.esc(f"About {q.recall}. Your care team reads your answers."))
        for item in q.items:
            labels = {o.score: o.label for o in item.options}
            st.radio(
                ui.esc(item.text),
                list(labels),
                format_func=labels.get,
                index=None,
                key=f"q_{q.id}_{item.id}",
                horizontal=True,
            )
            ui.field_error(item.id)

        def answer(q=q) -> bool:
            answers = {i.id: ui.value(f"q_{q.id}_{i.id}") for i in q.items}
            questionnaires.save_response(
                database, user, patient.id, q, answers, day=today, today=today
            )
            return True

        ui.action_button("Send answers", answer, key=f"answer_{q.id}")
if any(ui.done(f"answer_{q}") for q in found):
    st.toast("Thanks — your answers are saved.", icon=":material/check_circle:")


def k(name: str) -> str:
    return f"{name}_{day.isoformat()}"


SCORES = list(range(11))
st.pills(
    "Pain (0 = none, 10 = worst)",
    SCORES,
    default=start["pain"],
    key=k("pain"),
    help="Tap your pain right now. Tap it again to clear it.",
)
ui.field_error("pain")
st.segmented_control(
    "Mood",
    list(checkins.MOODS),
    format_func=checkins.MOODS.get,
    default=start["mood"],
    key=k("mood"),
)
ui.field_error("mood")
# No min or max on the number boxes: a value out of range reaches the check and is refused
# with a message, instead of the box quietly keeping an older number.
cols = st.columns(2)
cols[0].number_input(
    "Sleep (hours)",
    value=start["sleep_hours"],
    step=0.5,
    format="%.1f",
    key=k("sleep_hours"),
    placeholder="hours",
)
cols[1].selectbox(
    "Sleep quality",
    list(checkins.SLEEP_QUALITY),
    format_func=checkins.SLEEP_QUALITY.get,
    index=(start["sleep_quality"] - 1) if start["sleep_quality"] else None,
    placeholder="Choose",
    key=k("sleep_quality"),
)
ui.field_error("sleep_hours", "sleep_quality")
st.segmented_control(
    "School",
    list(checkins.SCHOOL),
    format_func=checkins.SCHOOL.get,
    default=start["school"],
    key=k("school"),
)
ui.field_error("school")
modules = set(plan.modules) if plan else set()
YES_NO = {True: "Yes", False: "No"}
if "school_extras" in modules:
    cols = st.columns(2)
    cols[0].number_input(
        "Nurse visits",
        value=start["nurse_visits"],
        step=1,
        key=k("nurse_visits"),
        placeholder="number",
    )
    cols[1].segmented_control(
        "Picked up early",
        list(YES_NO),
        format_func=YES_NO.get,
        default=start["early_pickup"],
        key=k("early_pickup"),
    )
    ui.field_error("nurse_visits", "early_pickup")
st.number_input(
    "Active minutes",
    value=start["active_minutes"],
    step=5,
    key=k("active_minutes"),
    placeholder="minutes",
)
ui.field_error("active_minutes")
st.pills(
    "Activities",
    checkins.ACTIVITIES,
    selection_mode="multi",
    default=start["activities"],
    key=k("activities"),
)
ui.field_error("activities")

st.subheader("Home exercises")
if plan is None or not plan.exercises:
    st.write(
        "Your care team hasn't added home exercises for this day yet. They will appear here "
        "once your plan is ready."
    )
else:
    for exercise in plan.exercises:
        label = f"{exercise.name} ({exercise.dose})" if exercise.dose else exercise.name
        st.segmented_control(
            ui.plain_label(label),
            list(checkins.OUTCOMES),
            format_func=checkins.OUTCOMES.get,
            default=start["outcomes"].get(exercise.key),
            key=k(f"ex_{exercise.key}"),
            label_visibility="collapsed",
        )
ui.field_error("outcomes")

st.subheader("Coping skills")
skills = list(plan.coping_skills) if plan else []
if not skills:
    st.write("The coping skills you learned will be listed here once your care team adds them.")
else:
    used_before = [u["skill"] for u in start["coping"]]
    used = st.pills(
        "Which did you use?",
        skills,
        format_func=ui.esc,
        selection_mode="multi",
        default=[s for s in used_before if s in skills],
        key=k("coping"),
    )
    helpful_before = {u["skill"]: u["helpfulness"] for u in start["coping"]}
    for skill in used or []:
        st.pills(
            ui.plain_label(f"How helpful was {skill}? (0 = not at all, 10 = very)"),
            SCORES,
            default=helpful_before.get(skill),
            key=k(f"help_{skill}"),
        )
ui.field_error("coping", "helpfulness")

if "hydration" in modules:
    st.number_input("Drinks (glasses or bottles)", value=start["drinks"], step=1, key=k("drinks"))
    ui.field_error("drinks")
if "meals" in modules:
    st.number_input("Meals", value=start["meals"], step=1, key=k("meals"))
    ui.field_error("meals")
st.text_area(
    "Note (for you and your care team)",
    value=start["note"],
    key=k("note"),
    help=f"Up to {checkins.NOTE_MAX:,} characters.",
)
ui.field_error("note")
st.text_input(
    "Question for your next visit",
    value=start["question"],
    key=k("question"),
    help=f"Up to {checkins.QUESTION_MAX} characters.",
)
ui.field_error("question")


def entered() -> dict:
    """The form's answers as they stand (read from the widgets)."""
    values = {name: ui.value(k(name)) for name in checkins.FIELDS}
    values["outcomes"] = {e.key: ui.value(k(f"ex_{e.key}")) for e in plan.exercises} if plan else {}
    values["coping"] = [
        {"skill": s, "helpfulness": ui.value(k(f"help_{s}"))} for s in (ui.value(k("coping")) or [])
    ]
    return values


def save() -> checkins.Checkin:
    return checkins.save_checkin(database, user, patient.id, day=day, today=today, values=entered())


ui.action_button("Save", save, key="save_checkin", width="stretch")
ui.form_error()
# Keep what was entered since this page drew the day as a draft (or forget it when it is
# what is saved); written only when an answer changed, not on every run.
SEEN = f"_draft_seen_{day.isoformat()}"
now_entered = entered()
saved_now = ui.done("save_checkin")
if saved_now is None and st.session_state.get(SEEN, now_entered) != now_entered:
    drafts.keep(database, user, patient.id, day, now_entered, saved=saved)
st.session_state[SEEN] = now_entered
if saved_now is not None:
    when = "today" if saved_now.day == today else saved_now.day.strftime("%A %-d %B")
    st.success(f"Check-in saved for {when}. Nice work!", icon=":material/check_circle:")
if ui.has_errors():
    st.error(
        "Nothing was saved yet. Please fix the message above, then tap Save.",
        icon=":material/error:",
    )

st.divider()
outcomes = checkins.outcomes_frame(database, patient.id)
streak = metrics.exercise_streak(outcomes, today=today)
done, part = metrics.sessions_this_week(outcomes, today=today)
week = metrics.exercise_adherence(
    versions,
    outcomes,
    checkins.checkins_frame(database, patient.id)["day"].tolist(),
    start=metrics.week_start(today),
    end=today,
    discharged_on=patient.discharged_on,
    today=today,
)
cols = st.columns(2)
cols[0].metric("Exercise streak", f"{streak} day" + ("" if streak == 1 else "s"))
if week.rate is None:
    cols[1].metric("Exercises this week", f"{done + part}", help="None planned so far this week.")
else:
    planned = round(week.expected)
    cols[1].metric(
        "Exercises this week",
        f"{done + part} of {planned}",
        help=f"{done} done and {part} part, of about {planned} planned from Monday to today.",
    )
st.page_link(
    "pages/teen_setback.py",
    label="Having a hard day? Open your setback plan",
    icon=":material/healing:",
)
