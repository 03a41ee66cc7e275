"""Overview: how each linked teen is functioning — school, activity, exercise, coping — in
words and charts; pain and mood only if the teen shares them; coaching that follows the week;
the weekly parent check."""

import streamlit as st

from companion import access, ui
from companion.access import Permission
from companion.auth import accounts
from companion.care import school_note
from companion.identity import Role
from companion.insight import progress
from companion.people import family

user = ui.require_user(Role.PARENT)
st.title("Overview")
today = ui.today()
teens = ui.visible_patients(user)
database = ui.db()

if not teens:
    st.info(
        "You aren't linked to a teen yet. Ask your teen's care team for a family code and "
        "enter it below."
    )
tabs = st.tabs([ui.esc(t.display_name) for t in teens]) if teens else []
for tab, teen in zip(tabs, teens, strict=True):
    with tab:
        patient = ui.require_patient(user, Permission.VIEW_FUNCTION, teen.id)
        pain = access.can(database, user, Permission.VIEW_PAIN, patient)
        mood = access.can(database, user, Permission.VIEW_MOOD, patient)
        name = ui.esc(patient.display_name)  # for places that render Markdown
        st.caption(
            f"Home since {patient.discharged_on:%-d %B %Y} "
            f"({patient.days_since_discharge(today)} days)."
        )
        choice = (
            st.segmented_control(
                "Period", list(progress.PERIODS), default="4 weeks", key=f"period_{patient.id}"
            )
            or "4 weeks"
        )
        p = ui.progress_for(
            patient,
            start=progress.period_start(choice, patient=patient, today=today),
            end=today,
            today=today,
            pain=pain,
            mood=mood,
            you=patient.display_name,
        )
        week = family.this_week(p.weeks, today)
        st.subheader("This week")
        st.write(ui.esc(family.week_summary(week, patient.display_name)))
        tip = family.coaching(week)
        with st.container(border=True):
            st.markdown(f"**{tip.title}**")
            st.write(tip.text)
            more = ui.library().get(tip.article)
            if more is not None:
                st.page_link(
                    "pages/learn.py",
                    label=f"Read: {ui.esc(more.title)}",
                    query_params={"article": more.slug},
                    icon=":material/menu_book:",
                )
        if p.empty:
            st.info(f"Charts appear once {name} starts daily check-ins.")
        else:
            for title, key in (
                ("School", "school"),
                ("Home exercises", "exercise"),
                ("Being active", "activity"),
                ("Coping skills", "coping"),
            ):
                st.markdown(f"**{title}**")
                sentence = p.sentences.get(key)
                if sentence:
                    st.caption(ui.esc(sentence))
                ui.chart(key, p.weeks, alt=sentence or title)
            if pain:
                st.markdown("**Pain (weekly average)**")
                ui.chart("weekly_average", p.weeks, "pain_mean", "Pain (0–10)", 10, alt="Pain")
            if mood:
                st.markdown("**Mood (weekly average)**")
                ui.chart("weekly_average", p.weeks, "mood_mean", "Mood (1–5)", 5, alt="Mood")
            private = [w for w, shared in (("pain", pain), ("mood", mood)) if not shared]
            if private:
                st.caption(
                    f"{name} keeps {' and '.join(private)} private unless they choose to "
                    "share it. Function — school, activity, exercise — is the best sign of "
                    "recovery."
                )

        st.subheader("Your weekly check")
        st.caption(f"How did {name} manage this week, as you saw it?")
        mine = family.this_weeks_check(database, user, patient.id, today)
        for area, label in family.CHECK_AREAS.items():
            # nothing is chosen until the parent chooses (or this week's answer, to change it)
            st.pills(
                label,
                list(range(len(family.RATINGS))),
                format_func=lambda r: family.RATINGS[r],
                default=mine.get(area) if mine else None,
                key=f"check_{area}_{patient.id}",
            )
        st.text_area(
            "Anything to add?",
            value=(mine or {}).get("note") or "",  # changing a rating keeps what was written
            max_chars=500,
            key=f"check_note_{patient.id}",
        )
        st.caption(
            "Only your teen's care team reads your check and this note. Your teen doesn't "
            "see them, in the app or in their own data download; you find them in yours "
            "(My account)."
        )
        ui.field_error("check_note", *(f"check_{a}" for a in family.CHECK_AREAS))

        def save_check(pid: int = patient.id) -> bool:
            family.save_parent_check(
                database,
                user,
                pid,
                ratings={a: ui.value(f"check_{a}_{pid}") for a in family.CHECK_AREAS},
                note=ui.value(f"check_note_{pid}", ""),
                today=today,
            )
            return True

        ui.action_button("Save my check", save_check, key=f"save_check_{patient.id}")
        if ui.done(f"save_check_{patient.id}"):
            st.success("Thanks. Your check is saved for this week.")

        st.subheader("School note")
        note = (
            school_note.shared_note(database, user, patient.id)
            if access.can(database, user, Permission.VIEW_SHARED_SCHOOL_NOTE, patient)
            else None
        )
        if note is None:
            st.write(f"When {name} shares a note for school with you, you can download it here.")
        else:
            st.write(f"{name} shared a note for school with you.")
            st.download_button(
                "Download the school note (PDF)",
                ui.deferred_download(
                    user,
                    lambda db, me, pid=patient.id, nid=note.id: school_note.note_pdf(
                        db, me, pid, nid
                    ),
                ),
                file_name=school_note.filename(note),
                mime="application/pdf",
                on_click="ignore",
                key=f"school_note_{patient.id}",
            )

with st.expander("Link another teen with a family code"):
    st.text_input("Family code", max_chars=40, key="code")
    ui.field_error("code")

    def link() -> bool:
        accounts.link_existing_parent(database, user, ui.value("code", ""))
        return True

    ui.action_button("Link", link, key="link")
    if ui.done("link"):
        st.success("Linked.")
