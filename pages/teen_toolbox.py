"""Toolbox: the coping skills from the programme, each with a short guided practice."""

import time

import streamlit as st

from companion import ui
from companion.access import Permission
from companion.care import checkins, plans
from companion.identity import Role
from companion.library import practices

user = ui.require_user(Role.TEEN)
st.title("Coping toolbox")
patient = ui.require_own_patient(user, Permission.WRITE_CHECKIN)
database = ui.db()
today = ui.today()
plan = plans.current_plan(database, patient.id, today)
skills = list(plan.coping_skills) if plan else []
if not skills:
    st.info(
        "Your care team hasn't added the coping skills you learned yet. Once they do, each one "
        "will be here with a short practice."
    )
    st.stop()

ui.form_error()
ui.field_error("helpfulness", "coping", "day")
favourites = checkins.list_favourites(database, patient.id)
used_today = checkins.uses_on(database, patient.id, today)
ordered = sorted(skills, key=lambda s: (s not in favourites, skills.index(s)))
st.caption("Your favourites come first. Tap the star to add one.")


def breathing_pacer(pacer: dict, key: str) -> None:
    """A Start button; once started, a count that ticks every second. Only the running
    count reruns each second, so a tap on Start is never lost to a tick."""
    if key not in st.session_state:
        st.button(
            "Start the pacer",
            key=f"{key}_start",
            on_click=lambda: st.session_state.__setitem__(key, time.monotonic()),
        )
    else:
        _running_pacer(pacer, key)


@st.fragment(run_every=1)
def _running_pacer(pacer: dict, key: str) -> None:
    started = st.session_state.get(key)
    if started is None:  # stopped from inside the count: draw the whole page again
        st.rerun()
    step = practices.pacer_step(pacer, int(time.monotonic() - started))
    if step is None:
        st.success("Done. Notice how your body feels now.")
        st.button("Again", key=f"{key}_again", on_click=lambda: st.session_state.pop(key, None))
        return
    st.markdown(f"### {step.word} … {step.count}")
    st.progress(step.done_fraction, text=f"Round {step.round} of {step.rounds}")
    st.button("Stop", key=f"{key}_stop", on_click=lambda: st.session_state.pop(key, None))


for skill in ordered:
    # keys follow the skill's place in the plan, not on the page: a star moves a card to the
    # top, and its rating, worksheet and pacer must move with it
    n = skills.index(skill)
    practice = practices.practice_for_skill(skill)
    with st.container(border=True):
        star = "★ " if skill in favourites else ""
        st.markdown(f"**{star}{ui.esc(skill)}**")
        if practice:
            st.caption(ui.esc(f"{practice.summary} About {practice.minutes} minutes."))
            with st.expander(f"Practise: {ui.esc(practice.title)}"):
                st.markdown(practice.body)  # project-written content, not user text
                if practice.pacer:
                    breathing_pacer(practice.pacer, f"pacer_{n}")
                for i, prompt in enumerate(practice.prompts):
                    st.text_area(
                        ui.esc(prompt),
                        key=f"prompt_{n}_{i}",
                        max_chars=500,
                        help="Just for you: this worksheet isn't saved.",
                    )
        else:
            st.caption("Practise it the way you learned in the programme.")
        st.pills(
            "How helpful was it? (0 = not at all, 10 = very; you can skip this)",
            list(range(11)),
            default=None,
            key=f"helpful_{n}",
        )
        cols = st.columns(2)
        with cols[0]:
            ui.action_button(
                "I used this",
                lambda s=skill, n=n: (
                    checkins.log_coping_use(
                        database,
                        user,
                        patient.id,
                        skill=s,
                        helpfulness=ui.value(f"helpful_{n}"),
                        day=today,
                        today=today,
                    )
                    or True
                ),
                key=f"used_{n}",
            )
            if ui.done(f"used_{n}"):
                st.toast("Logged. Well done for using your skills.", icon=":material/check_circle:")
        with cols[1]:
            is_fav = skill in favourites
            ui.action_button(
                "Remove star" if is_fav else "Add star",
                lambda s=skill, on=not is_fav: checkins.set_favourite(
                    database, user, patient.id, s, on
                ),
                key=f"fav_{n}",
                primary=False,
            )
        times = used_today.get(skill, 0)
        if times:  # read back from what was saved, so it stays true whatever the toast did
            st.caption(f"Logged today: {times} {'time' if times == 1 else 'times'}")
