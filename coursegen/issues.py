"""Problems found in content, as values, and the few exceptions that stop a run outright."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True, order=True)
class Issue:
    """One problem in one source file, located as precisely as the source allows."""

    path: str  # relative to the project root, with forward slashes
    line: int  # 1-based; 0 when the problem concerns the file as a whole
    column: int  # 1-based; 0 when unknown
    field: str  # dotted location inside the document, "" for the document itself
    message: str
    severity: str = "error"  # "error" or "warning"

    @property
    def is_error(self) -> bool:
        return self.severity == "error"


class CoursegenError(Exception):
    """Raised when a run cannot continue at all; the CLI prints it and exits."""


class UsageError(CoursegenError):
    """Raised by the CLI for arguments that make no sense (exit status 2)."""


class CacheDamaged(CoursegenError):
    """Raised by the build cache's store when SQLite cannot read or write it; the build starts afresh."""


class BuildFailed(CoursegenError):
    """Raised by a build when content errors prevent it (exit status 1)."""

    def __init__(self, issues: tuple[Issue, ...]):
        errors = sum(i.is_error for i in issues)
        super().__init__(f"{errors} error" + ("" if errors == 1 else "s"))
        self.issues = issues
