"""Write a set of generated files as one transaction that survives a kill at any point.

1. Every new content is written to a staged sibling (`.<name>.<txid>.staged`) and fsynced.
2. A journal (`<root>/.platformctl-journal.json`) naming every staged file, and every file to
   remove, is written atomically: this rename is the commit point.
3. The staged files are renamed over their targets and removed files are deleted.
4. The journal is removed.

Killed before step 2, the targets are untouched and only staged files are left: the next run
deletes them, and `check` reports them. Killed after step 2, the journal says exactly what is left
to do: the next run finishes it (roll forward), and `check` reports the half-written state.
"""

from __future__ import annotations

import json
import os
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from platformctl.fsutil import write_atomic

JOURNAL_NAME = ".platformctl-journal.json"
STAGED_SUFFIX = ".staged"


@dataclass(frozen=True)
class Staleness:
    stale: list[Path]
    missing: list[Path]
    leftovers: list[Path] = field(default_factory=list)  # staged files or a journal of a killed run

    @property
    def ok(self) -> bool:
        return not self.stale and not self.missing and not self.leftovers


def _differs(path: Path, content: str | None) -> bool:
    if content is None:
        return path.exists()
    return not path.is_file() or path.read_text(encoding="utf-8") != content


def _scan_dirs(files: dict[Path, str | None]) -> set[Path]:
    return {path.parent for path in files}


def leftovers(root: Path, files: dict[Path, str | None]) -> list[Path]:
    """A journal under `root` and staged files next to any generated file: traces of a killed run."""
    found = [root / JOURNAL_NAME] if (root / JOURNAL_NAME).exists() else []
    for directory in sorted(_scan_dirs(files)):
        if directory.is_dir():
            found += sorted(directory.glob(f".*{STAGED_SUFFIX}"))
    return found


def check(files: dict[Path, str | None], root: Path) -> Staleness:
    """Stale: differs from what the catalog renders, or exists although it must not. Missing: absent."""
    stale, missing = [], []
    for path, content in sorted(files.items()):
        if content is not None and not path.is_file():
            missing.append(path)
        elif _differs(path, content):
            stale.append(path)
    return Staleness(stale, missing, leftovers(root, files))


def recover(root: Path, files: dict[Path, str | None]) -> None:
    """Finish a committed transaction a kill interrupted, and drop staged files of an uncommitted one."""
    journal = root / JOURNAL_NAME
    if journal.exists():
        steps = json.loads(journal.read_text(encoding="utf-8"))
        _apply(root, steps)
    for path in leftovers(root, files):
        path.unlink(missing_ok=True)


def _apply(root: Path, steps: dict[str, list[list[str]] | list[str]]) -> None:
    for staged, target in steps["replace"]:  # type: ignore[misc]
        staged_path, target_path = root / staged, root / target
        if staged_path.exists():
            os.replace(staged_path, target_path)
    for target in steps["remove"]:
        (root / str(target)).unlink(missing_ok=True)
    (root / JOURNAL_NAME).unlink(missing_ok=True)


def write(files: dict[Path, str | None], root: Path) -> list[Path]:
    """Write (or remove) what changed, all or nothing. Returns the paths that changed."""
    recover(root, files)
    changed = {path: content for path, content in files.items() if _differs(path, content)}
    if not changed:
        return []
    txid = uuid.uuid4().hex[:12]
    replace: list[list[str]] = []
    for path, content in changed.items():
        if content is None:
            continue
        staged = path.with_name(f".{path.name}.{txid}{STAGED_SUFFIX}")
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(staged, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        replace.append([str(staged.relative_to(root)), str(path.relative_to(root))])
    remove = [str(path.relative_to(root)) for path, content in changed.items() if content is None]
    steps = {"replace": replace, "remove": remove}
    write_atomic(root / JOURNAL_NAME, json.dumps(steps, indent=1) + "\n")
    _apply(root, steps)
    return sorted(changed)
