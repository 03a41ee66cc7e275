"""Keep the shape docs/architecture.md promises: streamlit only in pages, app.py and
companion/ui.py; no SQL, sqlite-utils or passlib in pages; every page asks companion.ui who
the user is."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from companion import navigation
from tests.conftest import ROOT

COMPANION = sorted((ROOT / "companion").glob("*.py"))
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
    for path in COMPANION:
        if path.name == "ui.py":
            continue
        assert not any(m.split(".")[0] == "streamlit" for m in imports(path)), path.name


def test_nothing_in_the_domain_imports_ui():
    for path in COMPANION:
        found = imports(path)
        assert ".ui" not in found and "companion.ui" not in found, path.name


def test_pages_hold_no_sql_and_no_storage_or_hashing_libraries():
    banned = {"sqlite3", "sqlite_utils", "passlib", "argon2", "pandas.io.sql"}
    for path in [*PAGES, ROOT / "app.py"]:
        mods = {m.split(".")[0] for m in imports(path)}
        assert not mods & banned, path.name
        assert not SQL.search(path.read_text()), path.name
        assert not any(m.startswith("pages") for m in imports(path)), path.name


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

    from companion import charts

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
