"""The bridge to Streamlit: the only package in ``companion`` that imports it, and nothing
in ``companion`` imports it. Pages use it as ``from companion import ui`` and call:

- ``run``: this run's database and settings, ``today()``, the signed-in user;
- ``guards``: ``require_user``, ``require_patient``, ``pick_patient`` (asking ``access``);
- ``actions``: ``action_button`` / ``run_action`` and ``field_error`` / ``done`` (the
  action/result protocol), ``deferred_download``;
- ``forms``: the HTML sign-in forms; ``widgets``: text as typed, help now, quick links, codes;
- ``cached``: progress, panel, charts and the library, cached across reruns;
- ``care_team``: the care-team editor; ``outcome_fields``: treatment and population boxes.
  ``navigation`` (no Streamlit) lists the pages.
"""

from companion.ui.actions import (
    action_button,
    deferred_download,
    done,
    drawn_for,
    field_error,
    form_error,
    has_errors,
    run_action,
    value,
)
from companion.ui.cached import (
    OUTCOMES_MINUTES,
    chart,
    library,
    outcomes_for,
    panel_for,
    progress_for,
)
from companion.ui.care_team import care_team_editor
from companion.ui.forms import sign_in_form, sign_out_form, two_step_form
from companion.ui.guards import (
    account_notices,
    own_patient,
    pick_patient,
    require_own_patient,
    require_patient,
    require_user,
    visible_patients,
)
from companion.ui.outcome_fields import (
    population_fields,
    population_value,
    treatment_fields,
    treatment_value,
)
from companion.ui.run import (
    SIGNED_OUT,
    TOKEN_KEY,
    current_user,
    db,
    session_token,
    settings,
    start_run,
    today,
    with_db,
)
from companion.ui.widgets import (
    PASSWORD_RULES,
    audit_period_view,
    call_links,
    esc,
    help_now,
    house_style,
    passphrase_suggestion,
    plain_label,
    quick_links,
    school_note_preview,
    show_code,
    sidebar,
)

__all__ = [
    "OUTCOMES_MINUTES",
    "PASSWORD_RULES",
    "SIGNED_OUT",
    "TOKEN_KEY",
    "account_notices",
    "action_button",
    "audit_period_view",
    "call_links",
    "care_team_editor",
    "chart",
    "current_user",
    "db",
    "deferred_download",
    "done",
    "drawn_for",
    "esc",
    "field_error",
    "form_error",
    "has_errors",
    "help_now",
    "house_style",
    "library",
    "own_patient",
    "panel_for",
    "pick_patient",
    "outcomes_for",
    "passphrase_suggestion",
    "population_fields",
    "population_value",
    "plain_label",
    "progress_for",
    "quick_links",
    "require_own_patient",
    "require_patient",
    "require_user",
    "school_note_preview",
    "run_action",
    "session_token",
    "settings",
    "show_code",
    "sidebar",
    "sign_in_form",
    "sign_out_form",
    "start_run",
    "today",
    "treatment_fields",
    "treatment_value",
    "two_step_form",
    "value",
    "visible_patients",
    "with_db",
]
