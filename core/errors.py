"""One exception family for the whole project.

Every error a user can cause or meet says what happened and what to do about it.
Each class knows its HTTP status; the web layer and the CLI map the family once.
"""

from __future__ import annotations


class VagvisareError(Exception):
    """Base of every error the project raises on purpose."""

    status_code = 500
    exit_code = 1

    def __init__(self, message: str, *, hint: str | None = None, code: str = "",
                 details: dict[str, int] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
        # what went wrong as a key and numbers, for an interface that says it in its user's language
        # ("question_too_long", {"length": 1204, "limit": 1000}); the message stays the English default
        self.code = code
        self.details = details or {}

    def __str__(self) -> str:
        return f"{self.message} {self.hint}" if self.hint else self.message


class ConfigError(VagvisareError):
    """A setting, the settings file or the source manifest is wrong."""

    status_code = 500
    exit_code = 2


class SourceError(VagvisareError):
    """A source document cannot be read or segmented."""

    status_code = 422
    exit_code = 3


class IndexMissingError(VagvisareError):
    """There is no index where the settings point."""

    status_code = 503
    exit_code = 4


class IndexMismatchError(VagvisareError):
    """The index was built by another model or segmenter than the one configured."""

    status_code = 503
    exit_code = 4


class NotFoundError(VagvisareError):
    """A document or clause that does not exist was asked for."""

    status_code = 404
    exit_code = 5


class BadRequestError(VagvisareError):
    """A question or filter that cannot be answered as given."""

    status_code = 422
    exit_code = 6


class ModelError(VagvisareError):
    """The embedding model cannot be built or loaded."""

    status_code = 503
    exit_code = 7
