"""Programme outcomes (clinicians and admins): the common measures at admission, discharge and
1, 3, 6 and 12 months for the teens discharged in a period, by population, with every count
under 11 hidden. De-identified: no name, username or date of any teen appears."""

from datetime import date

import streamlit as st

from companion import ui
from companion.identity import Role
from companion.insight import outcome_tables as tables
from companion.insight import outcomes, suppression, yearly
from companion.ops import measures

user = ui.require_user(Role.CLINICIAN, Role.ADMIN)
st.title("Programme outcomes")
today = ui.today()
st.caption(
    "Every teen discharged in the period, the whole programme. Groups under 11 teens are "
    "hidden (—) so that no teen can be recognised; no name, username or date is shown."
)

cols = st.columns(2)
first = cols[0].date_input(
    "Discharged from",
    value=date(today.year - 1, 1, 1),
    max_value=today,
    key="outcomes_first",
    format="YYYY-MM-DD",
)
last = cols[1].date_input(
    "Discharged until", value=today, max_value=today, key="outcomes_last", format="YYYY-MM-DD"
)
if not isinstance(first, date) or not isinstance(last, date) or first > last:
    st.info("Choose a period: the first day on or before the last.")
    st.stop()

cohort = ui.outcomes_for(user, first=first, last=last, today=today)
view = tables.cohort_view(cohort)
if view.n is None:
    st.info(
        "Fewer than 11 teens were discharged in this period, so no figures are shown: with so "
        "few, a teen could be recognised. Choose a longer period."
    )
    st.stop()

st.subheader("Who was discharged")
st.table(
    {"": [what for what, _ in view.facts], "Figure": [value for _, value in view.facts]},
    hide_index=True,
)
for label, table in view.population.items():
    with st.expander(label):
        st.table(table, hide_index=True)
if view.footnote:
    st.caption(view.footnote)

st.subheader("Outcomes at each time point")
measure = st.selectbox(
    "Measure",
    list(tables.MEASURES),
    format_func=lambda key: tables.MEASURES[key][0],
    key="outcomes_measure",
)
name = tables.MEASURES[measure][0]
table, note = tables.measure_table(cohort, measure)
st.table(table, hide_index=True)
trajectory = tables.trajectory_rows(cohort, measure)
if len(trajectory):
    ui.chart(
        "outcome_trajectory",
        trajectory,
        "Mean, %" if tables.MEASURES[measure][1] == "percent" else "Mean",
        alt=f"{name}: the mean at each time point with its 95% confidence interval, for "
        f"{len(trajectory)} time points with 11 or more teens.",
    )
if note:
    st.caption(note)
if measure == "fdi":
    st.caption(
        "No minimal clinically important difference is known for the FDI, so changes are "
        "given in points and bands, never called clinically significant."
    )

st.subheader("FDI bands: discharge and follow-up")
point = st.selectbox(
    "Follow-up to compare with discharge",
    [tp.key for tp in tables.FOLLOW_UPS],
    format_func=lambda key: outcomes.BY_KEY[key].label,
    key="outcomes_band_point",
)
then = outcomes.BY_KEY[point].label
bands = tables.band_shift_rows(cohort, point)
if len(bands):
    ui.chart(
        "band_shift_bars",
        bands,
        alt=f"The share of teens with no or minimal, moderate and severe disability at "
        f"discharge and at {then}, for the teens with an FDI total at both.",
    )
shift = tables.band_shift_table(cohort, point)
st.caption(f"The teens with an FDI total at both. Rows: the band at discharge; columns: at {then}.")
st.table(shift.map(suppression.show))
st.caption(suppression.footnote(shift))

st.subheader("Pain")
pain, note = tables.pain_improvement_table(cohort)
st.table(pain, hide_index=True)
st.caption(
    "The smallest change in pain that matters to teens after an intensive programme is "
    "1 point or 12.5% (Hirschfeld et al., 2014). " + note
)

st.subheader("Retention")
kept, note = tables.retention_table(cohort)
st.table(kept, hide_index=True)
if note:
    st.caption(note)

st.subheader("By population")
st.caption("Does the programme serve every group equally well?")
cols = st.columns(2)
split = cols[0].selectbox(
    "Split by",
    list(outcomes.SPLITS),
    format_func=lambda key: outcomes.SPLITS[key],
    key="outcomes_split",
)
split_point = cols[1].selectbox(
    "At time point",
    [tp.key for tp in outcomes.TIME_POINTS],
    index=2,
    format_func=lambda key: outcomes.BY_KEY[key].label,
    key="outcomes_split_point",
)
split_measure = st.selectbox(
    "Measure to split",
    list(tables.MEASURES),
    format_func=lambda key: tables.MEASURES[key][0],
    key="outcomes_split_measure",
)
groups, note = tables.by_group_table(cohort, split, split_measure, split_point)
st.table(groups, hide_index=True)
if note:
    st.caption(note)

st.subheader("Yearly report")
st.caption(
    "The figures programmes publish, in plain words a family can read: who took part, "
    "everyday activities, pain and school at discharge and after, and how many teens were "
    "still taking part. Groups under 11 teens are hidden. The PDF is for print, the web page "
    "for the programme's website."
)
years = list(range(today.year, max(today.year - 10, 2000) - 1, -1))
year = st.selectbox("Teens discharged in", years, key="outcomes_year")
programme_name = ui.settings()["name"]  # read now: downloads run after this script run
cols = st.columns(2)
cols[0].download_button(
    "Yearly report (PDF)",
    ui.deferred_download(
        user,
        lambda db, me: yearly.pdf(db, me, year=year, today=today, programme_name=programme_name),
    ),
    file_name=f"programme-outcomes-{year}.pdf",
    mime="application/pdf",
    on_click="ignore",
    key="download_yearly_pdf",
)
cols[1].download_button(
    "Yearly report (web page)",
    ui.deferred_download(
        user,
        lambda db, me: yearly.web_page(
            db, me, year=year, today=today, programme_name=programme_name
        ),
    ),
    file_name=f"programme-outcomes-{year}.html",
    mime="text/html",
    on_click="ignore",
    key="download_yearly_html",
)

st.subheader("Share with other programmes")
st.caption(
    "The common measures of every teen the programme has discharged, one row per stay and "
    "time point: no names, notes or dates, a pseudonym only this programme can make, and "
    "rare combinations coarsened until each is shared by 5 teens. The download is written "
    "to the audit log."
)
st.download_button(
    "Download the common measures (ZIP)",
    ui.deferred_download(user, lambda db, me: measures.export_zip(db, me, today=today)),
    file_name=measures.zip_name(ui.db(), today),
    mime="application/zip",
    on_click="ignore",
    key="download_measures",
)

st.caption(f"Figures as of {today:%-d %B %Y}; read again every {ui.OUTCOMES_MINUTES} minutes.")
