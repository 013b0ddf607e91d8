"""Every library the application imports is pinned in pyproject.toml, so a fresh install gets the version
it was tested with, not whatever another package happens to pull in."""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APP = ["governance", "proposals", "voting", "worker.py", "wsgi.py"]
LOCAL = {"governance", "proposals", "voting", "worker", "wsgi", "tests"}


def _normal(name: str) -> str:
    """A distribution name as PEP 503 compares them."""
    return re.sub(r"[-_.]+", "-", name).lower()


def _imported_modules() -> dict[str, str]:
    """Top-level modules imported by the application's code, each with one file that imports it."""
    found: dict[str, str] = {}
    files = [
        p
        for entry in APP
        for p in ((ROOT / entry).rglob("*.py") if (ROOT / entry).is_dir() else [ROOT / entry])
    ]
    for path in files:
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                if top not in sys.stdlib_module_names and top not in LOCAL:
                    found.setdefault(top, str(path.relative_to(ROOT)))
    return found


def _pinned() -> dict[str, str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    pins = {}
    for requirement in project["dependencies"]:
        name, _, version = requirement.partition("==")
        pins[_normal(re.sub(r"\[.*\]", "", name))] = version
    return pins


def test_every_imported_library_is_pinned_at_one_version():
    pinned, owners = _pinned(), packages_distributions()
    unpinned = {}
    for module, where in sorted(_imported_modules().items()):
        dists = [_normal(d) for d in owners.get(module, [module])]
        if not any(d in pinned for d in dists):
            unpinned[module] = f"{where} ({', '.join(dists)})"
    assert unpinned == {}, "pin these in pyproject.toml's dependencies, at the installed version"
    assert all(re.fullmatch(r"\d+(\.\d+)*", v) for v in pinned.values()), pinned
