"""School note: the teen builds a one-page note for school, sees exactly what it says, keeps
it as a PDF, and decides whether their parents may download it."""

import streamlit as st

from companion import ui
from companion.access import Permission
from companion.care import plans, school_note
from companion.errors import InvalidInput
from companion.identity import Role

user = ui.require_user(Role.TEEN)
st.title("My school note")
patient = ui.require_own_patient(user, Permission.WRITE_SCHOOL_NOTE)
database = ui.db()
settings = ui.settings()
today = ui.today()
# what the teen chooses; printing the page prints the preview alone (house.css)
with st.container(key="note_form"):
    st.write(
        "Make a one-page note for your teachers or school nurse. You choose what goes in it: "
        "nothing is included until you tick it. Your care team can see the notes you make."
    )
    plan = plans.current_plan(database, patient.id, today)
    offered = list(plan.accommodations) if plan else []

    st.subheader("Supports from my plan")
    if not offered:
        st.info(
            "Your care team hasn't added school supports to your plan yet. You can still write "
            "your own lines below, and ask about supports at your next visit."
        )
    for a in offered:
        st.checkbox(a.label, value=False, key=f"note_acc_{a.key}", help=a.reason)
    ui.field_error("accommodations")

    st.subheader("In my own words")
    st.text_area(
        "What helps me (optional)",
        max_chars=school_note.MAX_WORDS,
        key="note_helps",
        placeholder="Stretching for a minute when I've been sitting a long time.",
    )
    ui.field_error("helps")
    st.text_area(
        "What I'd like teachers to know (optional)",
        max_chars=school_note.MAX_WORDS,
        key="note_teachers",
        placeholder="I might look fine even when it hurts. I still want to take part.",
    )
    ui.field_error("teachers")

    st.subheader("Also include")
    extras = {  # what else may go in, each only when ticked (None: not offered here)
        "step": "This week's step of my return to school" if plan and plan.school_steps else None,
        "attendance": f"My attendance over the last {school_note.ATTENDANCE_WEEKS} weeks",
        "pain": "My pain over the last 2 weeks",
        "mood": "My mood over the last 2 weeks",
        "contact": "My care team's line for the school nurse"
        if settings.get("school_contact")
        else None,
        "us_504": "A line about 504 plans (US schools only)",
    }
    for what, label in extras.items():
        if label:
            st.checkbox(
                label,
                key=f"note_{what}",
                help="In the US, school supports can be written into a 504 plan."
                if what == "us_504"
                else None,
            )
    ui.field_error("include")


def compose() -> dict:
    """The note with the boxes as they stand now: read when called, so "Make my note" keeps
    what the teen sees ticked at the tap, not what an earlier run drew."""
    return school_note.compose(
        database,
        user,
        patient.id,
        accommodations=[a.key for a in offered if ui.value(f"note_acc_{a.key}")],
        helps=ui.value("note_helps", ""),
        teachers=ui.value("note_teachers", ""),
        include={what: bool(ui.value(f"note_{what}")) for what, label in extras.items() if label},
        today=today,
        settings=settings,
    )


def make():
    return school_note.make(database, user, patient.id, compose())


st.subheader("Preview")
try:
    preview = compose()
except InvalidInput as problem:  # a choice the check refuses: say why, keep what was typed
    preview = None
    st.warning(ui.esc(problem.message))
if preview is not None:
    ui.school_note_preview(preview)

with st.container(key="note_actions"):
    ui.action_button("Make my note", make, key="make_note")
    if made := ui.done("make_note"):
        st.success(f"Note {made.number} is ready. Download it below.")
    ui.form_error()

    notes = school_note.notes(database, user, patient.id)
    if notes:
        latest = notes[-1]
        st.subheader("My notes")
        st.download_button(
            f"Download note {latest.number} (PDF)",
            ui.deferred_download(
                user, lambda db, me: school_note.note_pdf(db, me, patient.id, latest.id)
            ),
            file_name=school_note.filename(latest),
            mime="application/pdf",
            on_click="ignore",
            key="download_note",
        )
        shared = next((n for n in notes if n.shared), None)
        if shared is None:
            st.caption("Your parents can't see your notes. Share one if you'd like them to.")
            ui.action_button(
                f"Share note {latest.number} with my parents",
                lambda: school_note.share(database, user, patient.id, latest.id, on=True) or True,
                key="share_note",
                primary=False,
            )
        else:
            st.caption(f"Your parents can download note {shared.number}.")
            if shared.id != latest.id:
                ui.action_button(
                    f"Share note {latest.number} instead",
                    lambda: (
                        school_note.share(database, user, patient.id, latest.id, on=True) or True
                    ),
                    key="share_note",
                    primary=False,
                )
            ui.action_button(
                "Stop sharing with my parents",
                lambda: school_note.share(database, user, patient.id, shared.id, on=False) or True,
                key="unshare_note",
                primary=False,
            )
        ui.field_error("share")
