"""Which pages each role may open. ``app.py`` turns this into ``st.navigation``; the tests
enumerate it, so a new page is covered by the access tests without anyone remembering."""

from __future__ import annotations

from dataclasses import dataclass

from companion.identity import Role

SIGNED_OUT = "signed_out"


@dataclass(frozen=True)
class PageSpec:
    path: str
    title: str
    icon: str
    roles: frozenset[str]


def _p(path: str, title: str, icon: str, *roles: str) -> PageSpec:
    return PageSpec(path, title, icon, frozenset(roles))


T, P, C, A, OUT = (
    Role.TEEN.value,
    Role.PARENT.value,
    Role.CLINICIAN.value,
    Role.ADMIN.value,
    SIGNED_OUT,
)
EVERYONE = (T, P, C, A)

# The first page listed for a role is its home.
PAGES: tuple[PageSpec, ...] = (
    _p("pages/setup.py", "Set up the programme", ":material/rocket_launch:", OUT),
    _p("pages/signin.py", "Sign in", ":material/login:", OUT),
    _p("pages/teen_home.py", "Today", ":material/today:", T),
    _p("pages/teen_exercises.py", "Exercises", ":material/fitness_center:", T),
    _p("pages/teen_toolbox.py", "Toolbox", ":material/self_improvement:", T),
    _p("pages/teen_progress.py", "My progress", ":material/insights:", T),
    _p("pages/teen_goals.py", "Goals", ":material/flag:", T),
    _p("pages/teen_setback.py", "Setback plan", ":material/healing:", T),
    _p("pages/teen_school.py", "School note", ":material/school:", T),
    _p("pages/teen_settings.py", "Settings", ":material/tune:", T),
    _p("pages/menu.py", "All pages", ":material/apps:", T),
    _p("pages/parent_overview.py", "Overview", ":material/family_restroom:", P),
    _p("pages/clinician_patients.py", "My patients", ":material/groups:", C),
    _p("pages/clinician_enrol.py", "Enrol a teen", ":material/person_add:", C),
    _p("pages/clinician_followup.py", "Follow-up", ":material/monitoring:", C),
    _p("pages/clinician_patient.py", "Patient", ":material/badge:", C),
    _p("pages/clinician_plan.py", "Care plan", ":material/edit_note:", C),
    _p("pages/admin_users.py", "Users", ":material/manage_accounts:", A),
    _p("pages/admin_settings.py", "Programme settings", ":material/settings:", A),
    _p("pages/admin_audit.py", "Audit log", ":material/receipt_long:", A),
    _p("pages/outcomes.py", "Outcomes", ":material/query_stats:", C, A),
    _p("pages/learn.py", "Learn", ":material/menu_book:", OUT, *EVERYONE),
    _p("pages/redeem.py", "I have a code", ":material/key:", OUT),
    _p("pages/account.py", "My account", ":material/person:", *EVERYONE),
    _p("pages/help.py", "Help now", ":material/emergency:", OUT, *EVERYONE),
)


# The few pages a thumb reaches at the top of every page on a phone (ui.quick_links); the
# rest are one tap further, under "All pages" for a teen (a parent has four pages in all).
QUICK: dict[str, tuple[str, ...]] = {
    T: ("pages/teen_home.py", "pages/teen_exercises.py", "pages/teen_progress.py", "pages/menu.py"),
    P: ("pages/parent_overview.py", "pages/learn.py", "pages/account.py", "pages/help.py"),
}
SHORT = {"pages/teen_progress.py": "Progress", "pages/menu.py": "More"}


def quick_links(role: str) -> list[PageSpec]:
    """The top-of-page links for a role, in order (none for staff, who work on a desktop)."""
    by_path = {p.path: p for p in PAGES if role in p.roles}
    return [by_path[path] for path in QUICK.get(role, ()) if path in by_path]


def pages_for(role: str, *, set_up: bool) -> list[PageSpec]:
    """The pages a role may open, home first. Before first run only setup and help exist."""
    if role == SIGNED_OUT and not set_up:
        return [p for p in PAGES if p.path in {"pages/setup.py", "pages/help.py"}]
    return [p for p in PAGES if role in p.roles and p.path != "pages/setup.py"]


NOT_YOURS = "pages/not_yours.py"


def not_for(role: str, *, set_up: bool) -> list[PageSpec]:
    """Pages this role may not open. app.py registers each one's address as a hidden page that
    says so kindly, instead of Streamlit's "Page not found"."""
    mine = {p.path for p in pages_for(role, set_up=set_up)}
    return [p for p in PAGES if p.path not in mine and p.path != "pages/setup.py"]


def readable_roles(spec: PageSpec) -> str:
    """Who a page is for, in words: 'the care team', 'teens', ..."""
    words = {T: "teens", P: "parents", C: "the care team", A: "the programme's admins"}
    names = [words[r] for r in (T, P, C, A) if r in spec.roles]
    return " and ".join(names) if names else "people who aren't signed in"


def all_roles() -> list[str]:
    return [SIGNED_OUT, *EVERYONE]
