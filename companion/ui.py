"""The ONE module that imports streamlit: database per run, who is signed in, page guards,
help now, and small shared widgets. Nothing in ``companion`` imports this module.
"""

from __future__ import annotations

import hashlib
import html
import pickle
import urllib.parse
from collections.abc import Callable

import streamlit as st
from sqlite_utils import Database

from . import access, config, csrf, passwords, programme, sessions
from .access import Permission
from .db import connect, migrations
from .errors import AccessDenied, InvalidInput, NotFound
from .identity import Role, User
from .patients import Patient

TOKEN_KEY = "session_token"  # a session token held server-side (tests; no cookie needed)
_DRAWN_FOR = "_drawn_for"  # the id of the user the last page was drawn for (None: signed out)
SIGNED_OUT = (
    "You're no longer signed in (you signed out, your session ended or the account was "
    "turned off), so that wasn't done. Please sign in again."
)


@st.cache_resource(show_spinner=False)
def _migrated(path: str) -> bool:
    """Run migrations once per process per database file."""
    db = connect(path)
    try:
        migrations.apply(db)
    finally:
        db.close()
    return True


class _Run:
    """What belongs to one script run (a new object each run)."""

    def __init__(self, database: Database):
        self.db = database


def start_run() -> Database:
    """Open this script run's connection (one per run) and forget the last user."""
    st.session_state[_DRAWN_FOR] = None  # set again by require_user if this page has a user
    path = str(config.db_path())
    _migrated(path)
    # The last run's connection is not closed here: a button drawn by an earlier run (its
    # rerun cut short by the next tap) still holds it in its callback, and that callback runs
    # before this line. It closes itself when nothing refers to it any more.
    database = connect(path)
    st.session_state["_run"] = _Run(database)
    results = st.session_state.get("_results")
    if results is not None and results.get("fresh"):  # shown in the run after the action
        results["fresh"] = False
    else:
        st.session_state["_results"] = {"errors": {}, "done": {}, "fresh": False}
    return database


def db() -> Database:
    run = st.session_state.get("_run")
    return run.db if run is not None else start_run()


def settings() -> dict:
    return programme.get_settings(db())


def session_token() -> str | None:
    token = st.session_state.get(TOKEN_KEY)
    if token:
        return token
    cookie = st.context.cookies.get(config.SESSION_COOKIE)
    return cookie if isinstance(cookie, str) else None


def current_user() -> User | None:
    """Looked up on every call (one indexed query), so a revoked session or a deactivated
    account is noticed by the very next page or action, never served from a cache."""
    return sessions.user_for_token(db(), session_token())


def require_user(*roles: Role, two_step_setup: bool = False) -> User:
    """The signed-in user if their role may open this page; otherwise a plain message.

    Where the programme requires two-step sign-in for staff, a staff member without it sees
    only the way to My account (the page that sets it up passes ``two_step_setup``).
    """
    from . import mfa

    try:
        user = access.require_role(current_user(), *(roles or tuple(Role)))
    except AccessDenied as denied:
        form_error()  # e.g. "you were signed out, so that wasn't saved"
        st.info(str(denied))
        st.stop()
        raise
    st.session_state[_DRAWN_FOR] = user.id  # the actions on this page act for this user
    account_notices(user)
    if not two_step_setup and mfa.missing(db(), user, settings()):
        st.warning("Your programme asks staff to use two-step sign-in. Please turn it on first.")
        st.page_link("pages/account.py", label="Set up two-step sign-in", icon=":material/key:")
        st.stop()
    return user


def account_notices(user: User) -> None:
    """What an admin did to this account (a password reset, two-step sign-in turned off),
    on every page after the person signs in, until they dismiss it."""
    from . import account_care

    lines = account_care.notices(db(), user)
    if not lines:
        return
    with st.container(border=True):
        for line in lines:
            st.warning(esc(line), icon=":material/shield_person:")
        action_button(
            "Dismiss",
            lambda: account_care.dismiss_notices(db(), user),
            key="dismiss_notices",
            primary=False,
        )


def require_patient(user: User, permission: Permission, patient_id: int | None) -> Patient:
    """Ask the access module for the patient; show nothing of it when denied."""
    seen = st.session_state.setdefault("_audited", set())
    audit_view = (permission, patient_id) not in seen
    try:
        patient = access.require(db(), user, permission, patient_id, audit_view=audit_view)
    except AccessDenied as denied:
        st.info(str(denied))
        st.stop()
        raise
    seen.add((permission, patient_id))
    return patient


def pick_patient(user: User, permission: Permission, *, label: str = "Teen") -> Patient | None:
    """A picker over the patients this user may see, remembered in the URL (?patient=)."""
    options = access.visible_patients(db(), user)
    if not options:
        return None
    ids = [p.id for p in options]
    wanted = st.query_params.get("patient") or ""
    # only ASCII digits: "²".isdigit() is True, yet int("²") raises
    wanted_id = int(wanted) if wanted.isascii() and wanted.isdigit() else None
    index = ids.index(wanted_id) if wanted_id in ids else 0
    if len(options) > 1:
        chosen = st.selectbox(
            label, options, index=index, format_func=lambda p: p.display_name, key="patient_pick"
        )
    else:
        chosen = options[0]
    st.query_params["patient"] = str(chosen.id)
    return require_patient(user, permission, chosen.id)


# --- help now and the sidebar -------------------------------------------------------------


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


_HOUSE_CSS = """<style>
/* Streamlit's "Show password" eye takes the Tab after a password field, and a value typed
   before that Tab is never sent: the person's password is silently lost. Hidden, Tab leaves
   the field and the value is kept; the passphrase suggestion stays readable beside it. */
[data-testid="stTextInput"] button[aria-label$="password"] { display: none !important; }
/* the quick links: 44 px targets, a visible outline */
.st-key-quick_links a { min-height: 44px; padding: 0 0.3rem; border: 1px solid #c9c8c5;
  border-radius: 0.5rem; display: flex; align-items: center; }
.st-key-quick_links { margin-bottom: 0.5rem; }
/* the browser's Print command prints the page alone: no sidebar, menus or quick links */
@media print {
  [data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], header,
  [data-testid="stToolbar"], [data-testid="stDecoration"], .no-print, .st-key-quick_links {
    display: none !important;
  }
  [data-testid="stMain"] { margin-left: 0 !important; }
  [data-testid="stMainBlockContainer"] { padding: 0 !important; max-width: 100% !important; }
  body { font-size: 11pt; }
}
/* captions and help text at 4.5:1 or better on white (WCAG 1.4.3) */
[data-testid="stCaptionContainer"], [data-testid="stWidgetLabel"] small {
  color: #595856 !important;
  opacity: 1 !important; /* Streamlit fades captions to 0.6, which undoes the colour */
}
</style>"""


def quick_links(specs: list) -> None:
    """A row of big links at the top of the page (44 px targets), so a thumb never needs the
    sidebar's small button; it wraps rather than scrolls sideways."""
    from .navigation import SHORT

    with st.container(horizontal=True, gap="xsmall", key="quick_links"):
        for spec in specs:
            st.page_link(spec.path, label=SHORT.get(spec.path, spec.title), icon=spec.icon)


def house_style() -> None:
    """The app's few style rules, on every page (app.py)."""
    st.html(_HOUSE_CSS)


def _csrf() -> str:
    return csrf.make_token(programme.secret_key(db()))


def sign_out_form() -> None:
    st.html(
        f"""<form method="post" action="/api/auth/logout">
        <button type="submit" style="{_BUTTON_STYLE}">Sign out</button></form>"""
    )


_BUTTON_STYLE = (
    "font:inherit;padding:0.45rem 1rem;border-radius:0.5rem;border:1px solid #1f5f8b;"
    "background:#1f5f8b;color:#fff;cursor:pointer;min-height:44px"
)
_INPUT_STYLE = (
    "font:inherit;width:100%;box-sizing:border-box;padding:0.55rem;border-radius:0.5rem;"
    "border:1px solid #6b7280;margin:0.25rem 0 0.9rem 0;min-height:44px"
)


def sign_in_form(username: str | None = None) -> None:
    """A plain HTML form: the browser posts it to /api/auth/login, which sets the cookie.
    After a failed try the username typed comes back (a five-minute cookie the route set)."""
    if username is None:
        remembered = st.context.cookies.get(config.USERNAME_COOKIE) or ""
        username = urllib.parse.unquote(remembered)[:64]
    st.html(
        f"""<form method="post" action="/api/auth/login" style="max-width:28rem">
        <input type="hidden" name="csrf" value="{_csrf()}">
        <label for="signin-username">Username</label>
        <input id="signin-username" name="username" autocomplete="username" required
          autocapitalize="none" spellcheck="false" maxlength="64"
          value="{html.escape(username)}" style="{_INPUT_STYLE}">
        <label for="signin-password">Password</label>
        <input id="signin-password" name="password" type="password" required maxlength="256"
          autocomplete="current-password" style="{_INPUT_STYLE}">
        <button type="submit" style="{_BUTTON_STYLE}">Sign in</button>
        </form>"""
    )


def two_step_form() -> None:
    """Step two of signing in: posts the code to /api/auth/two-step (the pending cookie says
    whose password was right a moment ago)."""
    st.html(
        f"""<form method="post" action="/api/auth/two-step" style="max-width:28rem">
        <input type="hidden" name="csrf" value="{_csrf()}">
        <label for="two-step-code">Code from your authenticator app, or a recovery code</label>
        <input id="two-step-code" name="code" autocomplete="one-time-code" required
          inputmode="text" autocapitalize="characters" spellcheck="false" maxlength="20"
          style="{_INPUT_STYLE}">
        <button type="submit" style="{_BUTTON_STYLE}">Continue</button>
        </form>"""
    )


# --- forms --------------------------------------------------------------------------------
#
# A form's button runs its action in a callback, before the page re-renders: the page can
# then show an InvalidInput next to its field, or the action's result, in the same run.


_FROM_SESSION = object()


def drawn_for() -> int | None:
    """The user this page is being drawn for (None: a page for people signed out). Bind it
    to a callback when it is made, so the callback checks that user, whatever ran since."""
    return st.session_state.get(_DRAWN_FOR)


def run_action(
    key: str, action: Callable[[], object], drawn_for_id: object = _FROM_SESSION
) -> None:
    """Run an action now (in a widget callback); its result or error shows in the next run.

    ``drawn_for_id`` is the user the button was drawn for, bound when it was drawn: a later
    run cut short (say, one that found the account deactivated and stopped) must not leave
    an older page's button free to act."""
    results: dict = {"errors": {}, "done": {}, "fresh": True}
    st.session_state["_results"] = results
    if drawn_for_id is _FROM_SESSION:
        drawn_for_id = drawn_for()
    if not _still_signed_in(drawn_for_id):
        results["errors"] = {"_form": SIGNED_OUT}
        st.session_state["notice"] = SIGNED_OUT  # the sign-in page, shown next, says why
        return
    try:
        results["done"][key] = action()
    except InvalidInput as problem:
        results["errors"] = {problem.field: problem.message}
    except (AccessDenied, NotFound) as denied:
        results["errors"] = {"_form": str(denied)}


def _still_signed_in(drawn_for_id: object) -> bool:
    """At the moment an action runs: a page drawn for a signed-in user acts only while that
    user's session is live and their account active, both re-read from the database now
    (the page's ``User`` is from when it was drawn). Pages drawn signed out (sign-in, codes,
    first run) have no one to re-check."""
    if drawn_for_id is None:
        return True
    user = current_user()
    return user is not None and user.id == drawn_for_id


def action_button(
    label: str, action: Callable[[], object], *, key: str, primary: bool = True, **kwargs
) -> None:
    st.button(
        label,
        on_click=run_action,
        args=(key, action, drawn_for()),
        key=key,
        type="primary" if primary else "secondary",
        **kwargs,
    )


def field_error(*fields: str) -> None:
    """The message for a field that failed validation in the last action, if any."""
    errors = _results()["errors"]
    for name in fields:
        if name in errors:
            st.error(errors[name], icon=":material/error:")


def form_error() -> None:
    field_error("_form")


def has_errors() -> bool:
    return bool(_results()["errors"])


def done(key: str) -> object | None:
    """What the action behind button ``key`` returned in this run (once)."""
    return _results()["done"].get(key)


def _results() -> dict:
    return st.session_state.get("_results") or {"errors": {}, "done": {}, "fresh": False}


def value(key: str, default: object = None) -> object:
    """A widget's value by key, for use inside actions."""
    return st.session_state.get(key, default)


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


_MD_SPECIAL = set("\\`*_{}[]()<>#+-.!|~:$=\"'&^%@")


def esc(text: object) -> str:
    """User text for places Streamlit renders as Markdown (headers, labels): shown as typed."""
    return "".join("\\" + ch if ch in _MD_SPECIAL else ch for ch in str(text))


def visible_patients(user: User) -> list[Patient]:
    return access.visible_patients(db(), user)


def own_patient(user: User) -> Patient | None:
    """The teen's own record, if their care team has enrolled them."""
    mine = access.visible_patients(db(), user) if user.role is Role.TEEN else []
    return mine[0] if mine else None


def plain_label(text: str) -> str:
    """Show user-written text as a widget's visible label, as typed, and return it for the
    widget's ``label`` with ``label_visibility="collapsed"``: the accessible name is then the
    text itself, with none of the backslashes that escaping for Markdown would add."""
    st.markdown(f"**{esc(text)}**")
    return text


@st.cache_data(show_spinner=False, max_entries=512)
def _progress(
    path: str, patient: Patient, change: str, start, end, today, pain, mood, you, thresholds
):
    """Cached on the patient (as of its episode) and the latest change: a rerun that changed
    nothing is cheap."""
    from . import progress  # imported here: ui is imported before pages need them

    database = connect(path)
    try:
        return progress.load(
            database,
            patient,
            start=start,
            end=end,
            today=today,
            pain=pain,
            mood=mood,
            you=you,
            thresholds=dict(thresholds),
        )
    finally:
        database.close()


def progress_for(patient: Patient, *, start, end, today, pain: bool, mood: bool, you: str = "You"):
    """Progress for a patient the caller has already been allowed to see (``require_patient``)."""
    from . import progress

    change = progress.latest_change(db(), patient.id)
    thresholds = tuple(sorted(programme.flag_thresholds(settings()).items()))
    return _progress(
        str(config.db_path()), patient, change, start, end, today, pain, mood, you, thresholds
    )


def library():
    """The article library: the shipped articles and the programme's folder (re-read when a
    file there changes)."""
    from . import learn

    return learn.load_library(settings().get("articles_folder") or None)


@st.cache_data(show_spinner=False, max_entries=64)
def _panel_rows(path: str, patients: tuple, changes: tuple, today, thresholds) -> list[dict]:
    """The panel while none of its patients changed (one lookup); else read again in one
    query per table."""
    from . import panel

    database = connect(path)
    try:
        return panel.panel_rows(database, list(patients), today=today, thresholds=dict(thresholds))
    finally:
        database.close()


def panel_for(patients: list[Patient], *, today, thresholds: dict, **filters):
    """The clinician's panel for patients they may see; cached on their latest changes, so a
    warm panel costs one query."""
    from . import panel, progress

    changes = progress.latest_changes(db(), [p.id for p in patients])
    rows = _panel_rows(
        str(config.db_path()),
        tuple(patients),
        tuple(changes[p.id] for p in patients),
        today,
        tuple(sorted(thresholds.items())),
    )
    return panel.table(rows, today=today, **filters)


@st.cache_data(show_spinner=False, max_entries=2000)
def _chart_spec(kind: str, digest: str, _args: tuple) -> dict:
    from . import charts

    return getattr(charts, kind)(*_args).to_dict(validate=False)


def _digest(args: tuple) -> str:
    """A cheap fingerprint of a chart's data: its pickle (~0.3 ms for two years of weeks;
    Streamlit's own hashing of a frame argument cost ~9 ms a chart). Equal bytes mean equal
    data, so a stale chart is impossible; at worst an equal frame pickles differently and
    the spec is built again."""
    return hashlib.sha256(pickle.dumps(args, protocol=5)).hexdigest()


def chart(kind: str, *args, alt: str | None = None) -> None:
    """Draw ``charts.<kind>(*args)``. Building and validating an Altair spec costs ~40 ms a
    chart; the spec is cached on the data, which changes only when someone saves. ``alt`` is
    the chart's sentence for screen readers."""
    spec = _chart_spec(kind, _digest(args), args)
    st.vega_lite_chart(spec=spec, width="stretch", alt=alt)


def with_db(work: Callable[[Database], object]) -> object:
    """Run ``work`` on a connection of its own (for deferred downloads, which run after the
    script run that drew the button has closed its connection, outside any script run).

    The domain functions a download calls ask ``access`` with the page's ``User``, which
    re-reads its session and account at that moment (``sessions.still_valid``)."""
    database = connect(config.db_path())
    try:
        return work(database)
    finally:
        database.close()


def deferred_download(user: User, work: Callable[[Database, User], bytes]) -> Callable[[], bytes]:
    """The callable for ``st.download_button(data=...)``: when the person clicks, it checks
    again that ``user``'s session is live and the account active (re-read from the database,
    not the page's copy), then runs ``work``; otherwise AccessDenied and no file."""

    def run() -> bytes:
        def checked(database: Database) -> bytes:
            if not sessions.still_valid(database, user):
                raise AccessDenied(SIGNED_OUT)
            return work(database, user)

        return with_db(checked)

    return run


def audit_period_view(user: User, patient: Patient, what: str, start, end) -> None:
    """Write "who looked at which patient's what, for which period" once per session."""
    from . import audit

    key = (what, patient.id, str(start), str(end))
    seen = st.session_state.setdefault("_audited_periods", set())
    if key not in seen:
        audit.record(db(), user, f"view:{what}", patient_id=patient.id, detail=f"{start}..{end}")
        seen.add(key)


def care_team_editor(user: User, patient_id: int) -> None:
    """Who is on a teen's care team, with add and remove. ``account_care`` decides whether
    this user may change it: a clinician on the care team; an admin only adds, and only to a
    care team with nobody active left on it."""
    from . import account_care, accounts, patients

    team = patients.care_team(db(), patient_id)
    status = {r["id"]: r["active"] for r in accounts.list_users(db(), role="clinician")}
    for member in team:
        gone = "" if status.get(member["id"]) else " (deactivated)"
        st.text(f"{member['display_name']} ({member['username']}){gone}")
    for added in account_care.added_by_admin(db(), patient_id):
        st.warning(
            esc(
                f"An admin, {added['admin_name'] or 'since removed'}, added "
                f"{added['detail'].split(':')[0]} to this care team on {added['at'][:10]} "
                "(UTC), when nobody active was left on it."
            ),
            icon=":material/admin_panel_settings:",
        )
    if user.role is Role.ADMIN:
        if not account_care.admin_may_add(db(), user, patient_id):
            st.caption(
                "Clinicians on this care team add and remove its members. An admin adds "
                "someone only when nobody active is left on it."
            )
            return
        st.caption("Nobody active is left on this care team: add a clinician to look after it.")
    members = {m["id"] for m in team}
    others = {
        r["id"]: f"{r['display_name']} ({r['username']})"
        for r in accounts.list_users(db(), role="clinician")
        if r["active"] and r["id"] not in members
    }
    if others:
        st.selectbox(
            "Add a clinician",
            list(others),
            format_func=others.get,
            index=None,
            key="add_clinician",
            placeholder="Choose a clinician",
        )
        action_button(
            "Add to care team",
            lambda: (
                account_care.add_to_care_team(db(), user, patient_id, value("add_clinician"))
                or True
            ),
            key="add_team",
            primary=False,
        )
    if len(team) > 1 and user.role is not Role.ADMIN:
        current = {m["id"]: m["display_name"] for m in team}
        st.selectbox(
            "Remove a clinician",
            list(current),
            format_func=current.get,
            index=None,
            key="remove_clinician",
            placeholder="Choose a clinician",
        )
        action_button(
            "Remove from care team",
            lambda: (
                account_care.remove_from_care_team(
                    db(), user, patient_id, value("remove_clinician")
                )
                or True
            ),
            key="remove_team",
            primary=False,
        )
    field_error("care_team")


def require_own_patient(user: User, permission: Permission) -> Patient:
    """The teen's own record, asked of the access module; a friendly stop before enrolment."""
    own = own_patient(user)
    if own is None:
        st.info("Your care team hasn't finished setting up your account yet. Check back soon.")
        st.stop()
    return require_patient(user, permission, own.id)
