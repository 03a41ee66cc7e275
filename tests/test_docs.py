"""The developer docs stand alone and follow the code: every module is on the map, every
programme setting, CLI command and metric function is documented, links between the docs
resolve, and nothing in the repository points at product documents it doesn't hold."""

from __future__ import annotations

import ast
import inspect
import os
import re

from companion import programme
from companion.insight import metrics
from tests.conftest import ROOT

ARCHITECTURE = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
MEASURES = (ROOT / "docs" / "measures.md").read_text(encoding="utf-8")
CONTRIBUTING = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
README = (ROOT / "README.md").read_text(encoding="utf-8")

# The product documents that live outside the repository (built from parts, so this file
# does not mention them itself).
OUTSIDE = re.compile(
    r"\b(?:" + "|".join(["PRODUCT", "CLINICAL", "STACK", "ARCHITECTURE"]) + r")\.md"
)
# No file may point at the product documents that are not in the repository.
ALLOWED: set[str] = set()
SKIP_DIRS = {
    ".git",
    ".venv",
    "__pycache__",
    ".pytest_cache",
    ".ruff_cache",
    ".hypothesis",
    "data",
    "screenshots",
    ".cache",
}


def module_map() -> str:
    start = ARCHITECTURE.index("## Module map")
    end = ARCHITECTURE.index("\n## ", start + 1)
    return ARCHITECTURE[start:end]


def test_every_module_of_companion_is_on_the_architecture_map():
    the_map = module_map()
    package = ROOT / "companion"
    modules = sorted(p.relative_to(package).as_posix() for p in package.rglob("*.py"))
    assert len(modules) > 40
    missing = [name for name in modules if f"`{name}`" not in the_map]
    assert missing == []


def test_the_map_names_no_module_that_does_not_exist():
    named = set(re.findall(r"^- `([a-z_/]+\.py)`", module_map(), re.M))
    assert named
    assert sorted(n for n in named if not (ROOT / "companion" / n).exists()) == []


def test_every_editable_programme_setting_is_documented():
    docs = ARCHITECTURE + README
    missing = [key for key in programme.EDITABLE if f"`{key}`" not in docs]
    assert len(programme.EDITABLE) > 10
    assert missing == []


def cli_commands() -> list[str]:
    tree = ast.parse((ROOT / "companion" / "__main__.py").read_text(encoding="utf-8"))
    return [
        node.args[0].value
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "add_parser"
        and node.args
        and isinstance(node.args[0], ast.Constant)
    ]


def test_every_cli_command_is_documented():
    commands = cli_commands()
    assert {"migrate", "create-admin", "demo", "backup", "restore"} <= set(commands)
    docs = CONTRIBUTING + README
    missing = [
        c for c in commands if f"companion {c}" not in docs and not re.search(rf"`{c}\b", docs)
    ]
    assert missing == []


def public_metric_functions() -> list[str]:
    return sorted(
        name
        for name, fn in inspect.getmembers(metrics, inspect.isfunction)
        if not name.startswith("_") and fn.__module__ == metrics.__name__
    )


def test_every_public_metric_function_is_named_in_measures():
    names = public_metric_functions()
    assert "exercise_adherence" in names and "flags" in names
    missing = [name for name in names if f"metrics.{name}" not in MEASURES]
    assert missing == []


def test_links_between_the_docs_resolve():
    for doc in [
        "README.md",
        "CONTRIBUTING.md",
        *(f"docs/{p.name}" for p in (ROOT / "docs").glob("*.md")),
    ]:
        path = ROOT / doc
        text = path.read_text(encoding="utf-8")
        for target in re.findall(r"\]\(([^)#:]+)(?:#[^)]*)?\)", text):
            assert (path.parent / target).exists(), (doc, target)


def test_readme_links_the_developer_docs():
    for doc in ("CONTRIBUTING.md", "docs/architecture.md", "docs/measures.md"):
        assert f"]({doc})" in README, doc
    assert "](docs/clinical-sources.md)" in README


def repository_files():
    for folder, dirs, files in os.walk(ROOT):
        dirs[:] = [d for d in dirs if d not in SKIP_DIRS]
        for name in files:
            path = os.path.join(folder, name)
            yield os.path.relpath(path, ROOT).replace(os.sep, "/"), path


def test_nothing_points_at_product_documents_outside_the_repository():
    found = []
    seen = 0
    for relative, path in repository_files():
        with open(path, "rb") as handle:
            data = handle.read()
        if b"\0" in data[:4096]:
            continue  # binary (screenshot, font)
        seen += 1
        text = data.decode("utf-8", errors="replace")
        for number, line in enumerate(text.splitlines(), start=1):
            if OUTSIDE.search(line) and relative not in ALLOWED:
                found.append(f"{relative}:{number}: {line.strip()}")
    assert seen > 100
    assert found == []
