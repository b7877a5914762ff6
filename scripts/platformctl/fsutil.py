"""Atomic file writes (a reader, or a crashed run, never sees a half-written file), and cache reads."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


def _staged(path: Path, content: str) -> str:
    """Write `content` to a temp sibling of `path` with normal file permissions; return its name."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        # mkstemp creates 0600 files; generated files are ordinary repo files.
        os.fchmod(fd, 0o666 & ~_umask())
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(content)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return tmp


def write_atomic(path: Path, content: str) -> None:
    os.replace(_staged(path, content), path)



def read_json_object(path: Path) -> dict[str, object]:
    """The JSON object in `path`; empty when the file is missing, unreadable or not an object.

    For the CLI's own bookkeeping files (caches, markers): a damaged one means "nothing recorded"."""
    try:
        loaded = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return loaded if isinstance(loaded, dict) else {}
