"""Exceptions that the CLI edge turns into clean one-line (or one-line-per-problem) messages."""

from __future__ import annotations


class PlatformError(Exception):
    """A failure the user can act on; printed without a traceback."""

    exit_code = 1


class UsageError(PlatformError):
    """The command was called with arguments that cannot work (unknown env, missing file)."""

    exit_code = 2


class ToolMissingError(PlatformError):
    """A required external tool (terraform, npm, ...) is not installed."""


class CatalogError(PlatformError):
    """One or more problems in the catalog; each names file, key path and reason."""

    def __init__(self, problems: list[CatalogProblem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


class CatalogProblem:
    """One problem in one catalog file, rendered as `file: key.path: reason`."""

    def __init__(self, file: str, key_path: str, reason: str) -> None:
        self.file = file
        self.key_path = key_path
        self.reason = reason

    def __str__(self) -> str:
        where = f"{self.file}: {self.key_path}" if self.key_path else self.file
        return f"{where}: {self.reason}"

    def __repr__(self) -> str:
        return f"CatalogProblem({self.file!r}, {self.key_path!r}, {self.reason!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, CatalogProblem) and (self.file, self.key_path, self.reason) == (
            other.file,
            other.key_path,
            other.reason,
        )

    def __hash__(self) -> int:
        return hash((self.file, self.key_path, self.reason))
