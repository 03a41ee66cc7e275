"""The programme-outcome fields (treatment and population) as one form part, on the enrol
page and on a teen's patient page. Every box starts as "Not recorded" unless something was
saved: an untouched box is saved as not recorded, never as a guess."""

from __future__ import annotations

import streamlit as st

from companion.people import population
from companion.people.population import Treatment
from companion.ui.actions import field_error, value

NOT_RECORDED = population.NOT_RECORDED


def _choice(field: population.Field, key: str, saved: str | None) -> None:
    options = [None, *(code for code, _ in field.choices)]
    labels = dict(field.choices)
    st.selectbox(
        field.label,
        options,
        index=options.index(saved) if saved in options else 0,
        format_func=lambda code: NOT_RECORDED if code is None else labels[code],
        key=key,
        help=field.help or None,
    )
    field_error(field.key)


def treatment_fields(
    prefix: str, saved: Treatment | None = None, *, admission_date: bool = True
) -> None:
    """Setting, referral date, admission date (unless the page asks it already), and the
    FDI total and pain at admission."""
    saved = saved or Treatment()
    _choice(population.SETTING, f"{prefix}_setting", saved.setting)
    cols = st.columns(2)
    with cols[0]:
        st.date_input(
            "Referral date", value=saved.referred_on, key=f"{prefix}_referred", format="YYYY-MM-DD"
        )
        field_error("referred_on")
    if admission_date:
        with cols[1]:
            st.date_input(
                "Admission date",
                value=saved.admitted_on,
                key=f"{prefix}_admitted",
                format="YYYY-MM-DD",
            )
            field_error("admitted_on")
    cols = st.columns(2)
    # no widget limits: a typed 75 is refused by the one check with its message
    cols[0].number_input(
        "FDI total at admission (0–60)",
        value=saved.admission_fdi,
        step=1,
        key=f"{prefix}_adm_fdi",
        placeholder="if measured",
    )
    cols[1].number_input(
        "Pain at admission (0–10)",
        value=saved.admission_pain,
        step=1,
        key=f"{prefix}_adm_pain",
        placeholder="if asked",
    )
    field_error("admission_fdi", "admission_pain")


def population_fields(prefix: str, settings: dict, saved: dict | None = None) -> None:
    saved = saved or {}
    for field in population.FIELDS:
        key = f"{prefix}_{field.key}"
        if field.multiple:
            choices = population.race_ethnicity_choices(settings)
            labels = dict(choices)
            st.multiselect(
                field.label,
                [code for code, _ in choices],
                default=[c for c in saved.get(field.key) or [] if c in labels],
                format_func=labels.get,
                key=key,
                placeholder=NOT_RECORDED,
                help=field.help or None,
            )
            field_error(field.key)
        else:
            _choice(field, key, saved.get(field.key))


def treatment_value(prefix: str) -> Treatment:
    return Treatment(
        setting=value(f"{prefix}_setting"),
        referred_on=value(f"{prefix}_referred"),
        admitted_on=value(f"{prefix}_admitted"),
        admission_fdi=value(f"{prefix}_adm_fdi"),
        admission_pain=value(f"{prefix}_adm_pain"),
    )


def population_value(prefix: str) -> dict:
    return {field.key: value(f"{prefix}_{field.key}") for field in population.FIELDS}
