"""Domain errors: raised by services, shown to users in their language by views and CLI."""
from __future__ import annotations


class DomainError(Exception):
    """An error a user can cause and fix. `message` is a lazy translatable string or plain text."""

    def __init__(self, message, **params) -> None:
        super().__init__(str(message))
        self.message = message
        self.params = params

    def __str__(self) -> str:
        text = str(self.message)
        return text % self.params if self.params else text


class NotAllowed(DomainError):
    """The person may not do this."""


class NotFound(DomainError):
    """The thing does not exist (or the person may not know it exists)."""
