"""pyproject.toml declares what scripts/platformctl imports; requirements*.txt pins agree with it and with the
hash-locked trees (requirements-lock.txt, requirements-tools-lock.txt) that `make venv` / `make tools` install."""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from collections.abc import Iterator
from importlib.metadata import packages_distributions
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from platformctl.paths import ROOT

PACKAGE = ROOT / "scripts" / "platformctl"
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
# Which extra may cover the imports of which part of the package; everything else needs the core dependencies.
EXTRA_AREAS = {
    "emulator": ("emulator/",),
    "bench": ("bench/",),
    "docs": ("moduledocs.py",),
}
LOCKS = {"requirements.txt": "requirements-lock.txt", "requirements-tools.txt": "requirements-tools-lock.txt"}
_LOCK_ENTRY = re.compile(r"^(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)==(?P<version>[^\s;\\]+)(?P<rest>(?:.*\\\n)*.*)$", re.M)


def third_party_imports(path: Path) -> Iterator[tuple[str, int]]:
    """(top-level module, line) of every absolute import outside the standard library and platformctl."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        for name in names:
            top = name.split(".")[0]
            if top not in sys.stdlib_module_names and top != "platformctl":
                yield top, node.lineno


def declared(requirements: list[str]) -> dict[str, Requirement]:
    return {canonicalize_name(Requirement(text).name): Requirement(text) for text in requirements}


CORE = declared(PYPROJECT["project"]["dependencies"])
EXTRAS = {extra: declared(items) for extra, items in PYPROJECT["project"]["optional-dependencies"].items()}


def allowed_for(relative: str) -> set[str]:
    names = set(CORE)
    for extra, areas in EXTRA_AREAS.items():
        if relative.startswith(areas):
            names |= set(EXTRAS[extra])
    return names


def pins(path: Path) -> dict[str, str]:
    """name -> exact version of a requirements file of `name==version` lines."""
    found: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            requirement = Requirement(line)
            (specifier,) = requirement.specifier  # exactly one ==
            assert specifier.operator == "==", f"{path.name}: {line} is not an exact pin"
            found[canonicalize_name(requirement.name)] = specifier.version
    return found


def lock_entries(path: Path) -> dict[str, tuple[str, int]]:
    """name -> (version, number of hashes) of a `--generate-hashes` lock file."""
    return {
        canonicalize_name(m["name"]): (m["version"], m["rest"].count("--hash=sha256:"))
        for m in _LOCK_ENTRY.finditer(path.read_text(encoding="utf-8"))
    }


def test_python_floor_without_ceiling() -> None:
    assert PYPROJECT["project"]["requires-python"] == ">=3.11"
    assert set(EXTRAS) >= {"emulator", "bench", "docs", "dev"}


def test_every_third_party_import_is_declared() -> None:
    """`pip install .[extra]` gives a CLI that can import what the areas of that extra use."""
    providers = {module: [canonicalize_name(d) for d in dists] for module, dists in packages_distributions().items()}
    problems = []
    checked = 0
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE).as_posix()
        allowed = allowed_for(relative)
        for module, line in third_party_imports(path):
            checked += 1
            dists = providers.get(module)
            if not dists:
                problems.append(f"{relative}:{line}: `{module}` is installed by no distribution in this venv")
            elif not allowed & set(dists):
                problems.append(
                    f"{relative}:{line}: `{module}` (from {', '.join(dists)}) is not in pyproject.toml "
                    f"dependencies{' or the extras of this area' if allowed != set(CORE) else ''}"
                )
    assert checked > 50, "the import scan found almost nothing: is scripts/platformctl where it should be?"
    assert problems == []


def test_the_scan_notices_an_undeclared_import(tmp_path: Path) -> None:
    source = tmp_path / "probe.py"
    source.write_text("import os\nimport matplotlib.pyplot as plt\nfrom platformctl import cli\n", encoding="utf-8")
    assert list(third_party_imports(source)) == [("matplotlib", 2)]
    assert "matplotlib" not in allowed_for("ci/gitlab_report.py")
    assert "matplotlib" in allowed_for("bench/report.py")


def test_pins_satisfy_the_declared_ranges() -> None:
    pinned = pins(ROOT / "requirements.txt")
    every = {**CORE, **{name: req for extra in EXTRAS.values() for name, req in extra.items()}}
    missing = sorted(set(every) - set(pinned))
    assert missing == [], f"declared in pyproject.toml but not pinned in requirements.txt: {missing}"
    outside = {
        name: (pinned[name], str(req.specifier))
        for name, req in every.items()
        if not req.specifier.contains(pinned[name], prereleases=True)
    }
    assert outside == {}


@pytest.mark.parametrize("source", sorted(LOCKS))
def test_lock_has_every_pin_with_hashes(source: str) -> None:
    """A pin added to requirements*.txt without `make lock` would be missing from a fresh venv."""
    locked = lock_entries(ROOT / LOCKS[source])
    assert len(locked) > len(pins(ROOT / source)), "the lock should hold the whole tree, not just the pins"
    stale = {
        name: (version, locked.get(name, ("missing", 0))[0])
        for name, version in pins(ROOT / source).items()
        if locked.get(name, ("missing", 0))[0] != version
    }
    assert stale == {}, f"{LOCKS[source]} is stale against {source} (pin, lock): run `make lock`"
    unhashed = sorted(name for name, (_, hashes) in locked.items() if not hashes)
    assert unhashed == []


def test_lock_parser_reads_markers_and_hashes(tmp_path: Path) -> None:
    text = (
        "cffi==2.1.1 ; os_name == 'nt' \\\n    --hash=sha256:aa \\\n    --hash=sha256:bb\n    # via cryptography\n"
        "six==1.17.0 \\\n    --hash=sha256:cc\n"
    )
    path = tmp_path / "lock.txt"
    path.write_text(text, encoding="utf-8")
    assert lock_entries(path) == {"cffi": ("2.1.1", 2), "six": ("1.17.0", 1)}
