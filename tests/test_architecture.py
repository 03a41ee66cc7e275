"""Keep the shape docs/architecture.md promises: streamlit only in pages, app.py and the
companion/ui package; no SQL, sqlite-utils or passlib in pages; every page asks companion.ui
who the user is; imports inside companion are absolute."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from companion.ui import navigation
from tests.conftest import ROOT

COMPANION = sorted((ROOT / "companion").rglob("*.py"))
UI = ROOT / "companion" / "ui"
DOMAIN = [p for p in COMPANION if UI not in p.parents]
PAGES = sorted((ROOT / "pages").glob("*.py"))
SQL = re.compile(
    r"\b(SELECT\s.+\sFROM|INSERT\s+INTO|UPDATE\s+\w+\s+SET|DELETE\s+FROM|CREATE\s+TABLE)\b", re.I
)


def imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = ("." * node.level) + (node.module or "")
            found.add(base)
            sep = "" if base.endswith(".") else "."
            found |= {f"{base}{sep}{a.name}" for a in node.names}
    return found


def test_streamlit_stays_out_of_the_domain():
    assert len(DOMAIN) > 30
    for path in DOMAIN:
        assert not any(m.split(".")[0] == "streamlit" for m in imports(path)), path.name


def test_nothing_in_the_domain_imports_ui():
    for path in DOMAIN:
        found = imports(path)
        assert not any(m == "companion.ui" or m.startswith("companion.ui.") for m in found), path


def test_ops_and_library_stay_at_the_edge():
    # backups, demo data and the written content are used by the CLI and the UI, not the core
    edge = ("companion.ops", "companion.library")
    for path in DOMAIN:
        if path.name == "__main__.py" or path.parent.name in {"ops", "library"}:
            continue
        found = imports(path)
        assert not any(m.startswith(edge) for m in found), path


def test_the_benchmark_and_the_harness_never_import_the_tests_and_the_app_never_imports_them():
    """``harness`` drives the app from outside for the tests and ``make bench`` alike."""
    outside = sorted((ROOT / "bench").glob("*.py")) + sorted((ROOT / "harness").glob("*.py"))
    assert len(outside) >= 5
    for path in outside:
        assert not any(m.split(".")[0] == "tests" for m in imports(path)), path
    for path in [*COMPANION, *PAGES, ROOT / "app.py", ROOT / "asgi.py"]:
        found = {m.split(".")[0] for m in imports(path)}
        assert not found & {"tests", "bench", "harness"}, path


def test_imports_inside_companion_are_absolute():
    # "from . import x" means a different thing in each sub-package; one spelling everywhere
    for path in COMPANION:
        tree = ast.parse(path.read_text())
        relative = [n.lineno for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.level]
        assert relative == [], path


def test_pages_hold_no_sql_and_no_storage_or_hashing_libraries():
    banned = {"sqlite3", "sqlite_utils", "passlib", "argon2", "pandas.io.sql"}
    for path in [*PAGES, ROOT / "app.py"]:
        mods = {m.split(".")[0] for m in imports(path)}
        assert not mods & banned, path.name
        assert not SQL.search(path.read_text()), path.name
        assert not any(m.startswith("pages") for m in imports(path)), path.name


def private_uses(path: Path) -> list[str]:
    """Private names of domain modules a file reaches for: ``module._name`` or
    ``from companion.x import _name`` (the ui package may share its own)."""
    tree = ast.parse(path.read_text())
    modules = set()
    found = []
    for node in ast.walk(tree):
        source = node.module or "" if isinstance(node, ast.ImportFrom) else ""
        if source.startswith("companion") and not source.startswith("companion.ui"):
            modules |= {a.asname or a.name for a in node.names}
            found += [a.name for a in node.names if a.name.startswith("_")]
        elif isinstance(node, ast.Import):
            modules |= {a.asname or a.name for a in node.names if a.name.startswith("companion")}
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and node.attr.startswith("_")
            and not node.attr.startswith("__")
            and isinstance(node.value, ast.Name)
            and node.value.id in modules
        ):
            found.append(f"{node.value.id}.{node.attr}")
    return found


def test_pages_and_the_ui_call_only_checked_functions():
    """Unchecked helpers (those that trust their caller to have asked access) are private;
    pages and the UI layer never reach them, so every write a page makes is checked."""
    assert private_uses(ROOT / "companion" / "people" / "account_admin.py")  # the test can see
    offenders = {
        path.name: uses
        for path in [*PAGES, ROOT / "app.py", *UI.glob("*.py")]
        if (uses := private_uses(path))
    }
    assert offenders == {}


def test_every_registered_page_exists_and_every_page_file_is_registered():
    # not_yours answers, under another role's address, that the page is someone else's
    registered = {spec.path for spec in navigation.PAGES} | {navigation.NOT_YOURS}
    on_disk = {f"pages/{p.name}" for p in PAGES}
    assert registered == on_disk


def test_every_page_asks_ui_who_the_user_is():
    open_pages = {
        "pages/setup.py",
        "pages/signin.py",
        "pages/redeem.py",
        "pages/help.py",
        navigation.NOT_YOURS,  # shows no record: only whose page it is and a link home
    }
    for path in PAGES:
        rel = f"pages/{path.name}"
        text = path.read_text()
        if rel in open_pages:
            assert "require_user" not in text
            continue
        assert "ui.require_user(" in text, rel


def test_user_text_is_never_rendered_as_html():
    for path in [*PAGES, ROOT / "app.py", *COMPANION]:
        assert "unsafe_allow_html" not in path.read_text(), path.name


def _luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_chart_and_theme_colours_pass_wcag_aa_on_white():
    import tomllib

    from companion.insight import charts

    theme = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())["theme"]
    for colour in (charts.PRIMARY, charts.SECOND, charts.GRID, theme["primaryColor"]):
        assert contrast(colour, "#ffffff") >= 4.5, colour
    # band shading sits behind dark text and marks: dark marks stay readable on every band
    for shade in charts.BAND_COLOURS.values():
        assert contrast(charts.PRIMARY, shade) >= 4.5, shade


def test_the_server_settings_are_strict():
    """Issue 7: XSRF on, cross-origin requests refused (Streamlit's enableCORS=true enforces
    CORS; false would send Access-Control-Allow-Origin: *), no usage statistics, no error
    details for users, small uploads."""
    import tomllib

    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["server"]["enableXsrfProtection"] is True
    assert config["server"]["enableCORS"] is True
    assert config["server"]["maxUploadSize"] <= 2
    assert config["browser"]["gatherUsageStats"] is False
    assert config["client"]["showErrorDetails"] == "none"
