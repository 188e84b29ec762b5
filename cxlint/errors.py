"""Errors that end a run with exit 2: the run could not be done as asked."""

from __future__ import annotations

from cxlint.model import Location


class UsageError(Exception):
    """Bad input (manifest, option, rule file). Rendered as one line, never a traceback."""

    def __init__(self, message: str, location: Location | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.location = location

    def __str__(self) -> str:
        return f"{self.location}: {self.message}" if self.location else self.message
