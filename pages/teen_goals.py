"""Goals: the teen's discharge goals with small steps, marked weekly."""

from datetime import date

import streamlit as st

from companion import ui
from companion.access import Permission
from companion.care import plans
from companion.identity import Role

user = ui.require_user(Role.TEEN)
st.title("My goals")
patient = ui.require_own_patient(user, Permission.UPDATE_GOALS)
database = ui.db()
today = ui.today()
goals = plans.list_goals(database, patient.id)
if not goals:
    st.info(
        "No goals yet. You and your care team set them together — like getting back to full "
        "school days or a sport. They'll show up here."
    )
    st.stop()

progress = plans.goal_progress(database, patient.id)
this_week = plans.week_start(today).isoformat()
st.caption(f"Mark how far you got this week (week of {plans.week_start(today):%-d %B}).")
ui.form_error()
for goal in goals:
    history = progress.get(goal.id, [])
    current = next((p for p in history if p["week_start"] == this_week), None)
    with st.container(border=True):
        st.markdown(f"**{ui.esc(goal.text)}**")
        st.caption(ui.esc(goal.category.capitalize()))
        for i, step in enumerate(goal.steps):
            st.checkbox(
                ui.esc(step),
                value=bool(current and i in current["steps_done"]),
                key=f"step_{goal.id}_{i}",
            )
        st.segmented_control(
            "This week",
            list(range(len(plans.GOAL_RATINGS))),
            format_func=lambda r: plans.GOAL_RATINGS[r],
            default=current["rating"] if current else None,
            key=f"rating_{goal.id}",
        )
        ui.field_error("rating", "steps_done")

        def save(g=goal) -> bool:
            rating = ui.value(f"rating_{g.id}")
            done = [i for i in range(len(g.steps)) if ui.value(f"step_{g.id}_{i}")]
            plans.record_goal_progress(
                database,
                user,
                patient.id,
                g.id,
                rating=rating if rating is not None else -1,
                steps_done=done,
                today=today,
            )
            return True

        ui.action_button("Save this goal", save, key=f"save_goal_{goal.id}")
        if ui.done(f"save_goal_{goal.id}"):
            st.success("Saved for this week.")
        if len(history) > 1 or (history and not current):
            earlier = [p for p in history if p["week_start"] != this_week][-4:]
            st.caption(
                "Earlier weeks: "
                + ", ".join(
                    f"week of {date.fromisoformat(str(p['week_start'])):%-d %b}: "
                    f"{plans.GOAL_RATINGS[p['rating']]}"
                    for p in earlier
                )
            )
