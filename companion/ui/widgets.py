"""Small shared widgets: user text shown as typed, help now and the sidebar, quick links,
the house style, passphrases and one-time codes, the audit line for a period view."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from companion import audit, programme
from companion.auth import passwords
from companion.care import school_note
from companion.identity import User
from companion.people.patients import Patient
from companion.ui.forms import sign_out_form
from companion.ui.navigation import SHORT
from companion.ui.run import db

_MD_SPECIAL = set("\\`*_{}[]()<>#+-.!|~:$=\"'&^%@")


def esc(text: object) -> str:
    """User text for places Streamlit renders as Markdown (headers, labels): shown as typed."""
    return "".join("\\" + ch if ch in _MD_SPECIAL else ch for ch in str(text))


def plain_label(text: str) -> str:
    """Show user-written text as a widget's visible label, as typed, and return it for the
    widget's ``label`` with ``label_visibility="collapsed"``: the accessible name is then the
    text itself, with none of the backslashes that escaping for Markdown would add."""
    st.markdown(f"**{esc(text)}**")
    return text


def help_now(settings_: dict, *, where=None) -> None:
    box = where or st
    box.markdown("**Help now**")
    for line in programme.help_lines(settings_):
        box.text(line)
    call_links(settings_, where=box)


def call_links(settings_: dict, *, where=None, big: bool = False) -> None:
    """Tap-to-call (and text) links for the programme's numbers: digits-only hrefs built by
    ``programme.call_links``, labels escaped."""
    box = where or st
    links = programme.call_links(settings_)
    if not big and (clinic := programme.phone_href(settings_.get("clinic_line"))):
        links.append(("Call the clinic", clinic))
    if big:
        for label, href in links:
            box.link_button(label, href, icon=":material/call:", width="stretch")
    elif links:
        box.markdown(" · ".join(f"[{esc(label)}]({href})" for label, href in links))


def sidebar(user: User | None, settings_: dict) -> None:
    with st.sidebar:
        if settings_.get("name"):
            st.text(settings_["name"])
        help_now(settings_)
        if user is not None:
            st.caption("Signed in as")
            st.text(f"{user.display_name} ({user.username})")
            sign_out_form()


_HOUSE_CSS = (Path(__file__).parent / "house.css").read_text(encoding="utf-8")


def quick_links(specs: list) -> None:
    """A row of big links at the top of the page (44 px targets), so a thumb never needs the
    sidebar's small button; it wraps rather than scrolls sideways."""

    with st.container(horizontal=True, gap="xsmall", key="quick_links"):
        for spec in specs:
            st.page_link(spec.path, label=SHORT.get(spec.path, spec.title), icon=spec.icon)


def house_style() -> None:
    """The app's few style rules, on every page (app.py)."""
    st.html(f"<style>{_HOUSE_CSS}</style>")


def passphrase_suggestion(target_keys: tuple[str, ...]) -> None:
    """Offer a four-word passphrase; "Use this" fills the password fields named."""
    key = "suggested_passphrase"
    if key not in st.session_state:
        st.session_state[key] = passwords.suggest_passphrase()
    phrase = st.session_state[key]
    st.caption("A passphrase you can remember: four everyday words.")
    st.code(phrase, language=None)
    cols = st.columns(2)

    def use() -> None:
        for target in target_keys:
            st.session_state[target] = phrase

    def another() -> None:
        st.session_state[key] = passwords.suggest_passphrase()

    cols[0].button("Use this", on_click=use, key="use_passphrase")
    cols[1].button("Suggest another", on_click=another, key="another_passphrase")


PASSWORD_RULES = (
    "At least 12 characters and hard to guess. Four everyday words work well; "
    "spaces and any letters are fine."
)


def show_code(code: str, what: str) -> None:
    """A one-time code, shown once."""
    st.success(esc(f"{what} Write it down or hand it over now — it is shown only once."))
    st.code(code, language=None)
    st.caption("It works once and expires in 7 days.")


def audit_period_view(user: User, patient: Patient, what: str, start, end) -> None:
    """Write "who looked at which patient's what, for which period" once per session."""

    key = (what, patient.id, str(start), str(end))
    seen = st.session_state.setdefault("_audited_periods", set())
    if key not in seen:
        audit.record(db(), user, f"view:{what}", patient_id=patient.id, detail=f"{start}..{end}")
        seen.add(key)


def school_note_preview(content: dict) -> None:
    """A school note as its PDF says it, line by line (the teen's words as plain text)."""
    with st.container(border=True):
        for kind, text in school_note.lines(content):
            if kind in ("title", "heading", "item"):
                st.markdown(f"**{esc(text)}**")
            elif kind == "small":
                st.caption(esc(text))
            else:
                st.text(text)
