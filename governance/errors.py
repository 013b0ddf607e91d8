"""The domain's errors. Plain Python: `governance.error_handlers` maps them to HTTP, once."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any


class DomainError(Exception):
    """A request the domain refuses; the message is for the person who made it."""

    status = HTTPStatus.BAD_REQUEST

    def __init__(self, message: str, *, errors: dict[str, Any] | None = None, **details: Any) -> None:
        super().__init__(message)
        self.message = message
        self.errors = errors or {}
        self.details = details


class NotAllowed(DomainError):
    status = HTTPStatus.FORBIDDEN


class NotFound(DomainError):
    status = HTTPStatus.NOT_FOUND


class Conflict(DomainError):
    status = HTTPStatus.CONFLICT


class InvalidTransition(Conflict):
    """A lifecycle step that the current state does not allow."""


class VoteClosed(Conflict):
    pass


class InvalidInput(DomainError):
    status = HTTPStatus.UNPROCESSABLE_ENTITY


class InvalidBallot(InvalidInput):
    pass


class PledgingClosed(Conflict):
    """A pledge, change or withdrawal that came at or after the campaign's deadline, or after it settled."""
