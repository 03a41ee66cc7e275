"""Programme settings: name, help-now text, time zone, the programme's own questionnaires and
articles, flag thresholds, sharing defaults and the outcomes' programme code."""

import streamlit as st

from companion import programme, ui
from companion.care import questionnaires
from companion.identity import Role

user = ui.require_user(Role.ADMIN)
st.title("Programme settings")
current = ui.settings()

st.text_input("Programme name", value=current["name"], max_chars=80, key="name")
ui.field_error("name")
st.text_input("Crisis line", value=current["crisis_line"], max_chars=40, key="crisis_line")
ui.field_error("crisis_line")
st.text_input(
    "Emergency number", value=current["emergency_number"], max_chars=20, key="emergency_number"
)
ui.field_error("emergency_number")
st.text_input(
    "Clinic line",
    value=current["clinic_line"],
    max_chars=120,
    key="clinic_line",
    help="Shown in Help now, e.g. “Pain clinic 555-0100, weekdays 8 am to 5 pm”.",
)
ui.field_error("clinic_line")
st.text_input(
    "Line for school nurses (optional)",
    value=current["school_contact"],
    max_chars=200,
    key="school_contact",
    help="A teen may add it to their school note, e.g. “School nurses can call the pain "
    "clinic on 555-0100, weekdays 8 am to 5 pm”.",
)
ui.field_error("school_contact")
st.text_area("More help-now text", value=current["help_text"], max_chars=400, key="help_text")
ui.field_error("help_text")
zones = programme.timezone_choices()
zone = current["timezone"] if current["timezone"] in zones else programme.DEFAULTS["timezone"]
st.selectbox(
    "Time zone",
    zones,
    index=zones.index(zone),
    key="timezone",
    help="Check-in dates follow this time zone.",
)
ui.field_error("timezone")
st.text_input(
    "Folder of the programme's own questionnaires (optional)",
    value=current["questionnaire_folder"],
    max_chars=300,
    key="questionnaire_folder",
    help="A folder on the server holding questionnaire files your programme may use "
    "(for example the FDI, if you hold permission). Leave empty to use the built-in ones.",
)
ui.field_error("questionnaire_folder")
found, problems = questionnaires.load_all(current["questionnaire_folder"] or None)
st.caption(ui.esc("Questionnaires available: " + ", ".join(q.title for q in found.values())))
for problem in problems:
    st.warning(ui.esc(f"Not loaded — {problem}"))
st.text_input(
    "Folder of the programme's own articles (optional)",
    value=current["articles_folder"],
    max_chars=300,
    key="articles_folder",
    help="A folder on the server of Markdown articles in the format of content/README.md. "
    "An article there is added to Learn, or replaces the built-in one with the same slug.",
)
ui.field_error("articles_folder")
library = ui.library()
programme_articles = [a for a in library.articles.values() if a.origin == "programme"]
st.caption(
    f"Articles in Learn: {len(library.articles)}, of which {len(programme_articles)} from "
    "the programme's folder."
)
for problem in library.problems:
    st.warning(ui.esc(f"Not loaded — {problem}"))


# No widget limits on the numbers: a typed value out of range would turn red and quietly
# keep the old one; the check refuses it with its message (the range is in the help).
st.subheader("Flags for the care team")
cols = st.columns(2)
for n, (key, (low, high, _)) in enumerate(programme.FLAG_LIMITS.items()):
    cols[n % 2].number_input(
        programme.LABELS[key], value=int(current[key]), step=1, key=key, help=f"{low} to {high}"
    )
    ui.field_error(key)
st.subheader("Sessions")
cols = st.columns(2)
for n, (key, (low, high, _)) in enumerate(programme.SESSION_LIMITS.items()):
    cols[n].number_input(
        programme.LABELS[key], value=int(current[key]), step=1, key=key, help=f"{low} to {high}"
    )
    ui.field_error(key)
st.toggle(
    "Require two-step sign-in for clinicians and admins",
    value=current["require_mfa_staff"],
    key="require_mfa_staff",
    help="Staff without it are asked to set it up in My account before anything else.",
)
st.subheader("Sharing defaults")
st.caption(
    "Teens can always change these themselves. Both are off unless you turn them on: a teen "
    "decides whether parents see pain and mood."
)
st.toggle(
    "Parents see pain unless the teen turns it off",
    value=current["share_pain_default"],
    key="share_pain_default",
)
st.toggle(
    "Parents see mood unless the teen turns it off",
    value=current["share_mood_default"],
    key="share_mood_default",
)
st.subheader("Programme outcomes")
st.text_input(
    "Programme code for outcome exports",
    value=current["programme_code"],
    max_chars=16,
    key="programme_code",
    help="2 to 16 letters, digits or hyphens, e.g. HILLSIDE-1: how pooled outcomes name "
    "this programme (never a patient).",
)
ui.field_error("programme_code")
st.text_area(
    "Race and ethnicity list (optional, one per line)",
    value=current["ethnicity_list"],
    max_chars=1000,
    key="ethnicity_list",
    help="Leave empty for the seven categories of the US standard (OMB SPD 15, 2024). "
    "Programmes outside the US can list their own.",
)
ui.field_error("ethnicity_list")


def save() -> bool:
    programme.save_settings(ui.db(), {key: ui.value(key) for key in programme.EDITABLE}, actor=user)
    return True


ui.action_button("Save settings", save, key="save")
if ui.done("save"):
    st.success("Saved.")
