"""The parts of the app import each other only as docs/architecture.md allows: the
domain imports no interface, and the API, the site and the admin stay apart."""

import ast
from pathlib import Path

import pytest

APP = Path(__file__).resolve().parent.parent / "commitments"
INTERFACES = ("commitments.api", "commitments.site", "commitments.admin")


def module_name(path):
    parts = path.relative_to(APP.parent).with_suffix("").parts
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def imported_modules(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            yield node.module
            # `from commitments.api import views` imports commitments.api.views
            yield from (f"{node.module}.{alias.name}" for alias in node.names)


def part_of(module):
    for interface in INTERFACES:
        if module == interface or module.startswith(interface + "."):
            return interface
    return "domain" if module.startswith("commitments") else None


MODULES = sorted(
    path
    for path in APP.rglob("*.py")
    if "migrations" not in path.parts and "management" not in path.parts
)

# What each part may import of the others (every part may import the domain).
ALLOWED = {
    "domain": set(),
    "commitments.api": {"commitments.api"},
    "commitments.site": {"commitments.site"},
    "commitments.admin": {"commitments.admin"},
}


def test_the_app_has_the_parts_the_map_names():
    parts = {part_of(module_name(path)) for path in MODULES}
    assert parts == {"domain", *INTERFACES}


@pytest.mark.parametrize("path", MODULES, ids=lambda path: module_name(path))
def test_module_imports_only_what_its_part_may(path):
    own = part_of(module_name(path))
    forbidden = sorted(
        module
        for module in set(imported_modules(path))
        if part_of(module) not in (None, "domain", *ALLOWED[own])
    )
    assert forbidden == [], f"{module_name(path)} ({own}) imports {forbidden}"
