"""Errors that services raise and that pages and the API turn into a clear message."""

from __future__ import annotations


class ActionRefused(Exception):
    """The action is not allowed now (wrong state, duplicate, or not for this person).

    Pages show the message; the API answers 409. Nothing has been changed.
    """

    def __init__(self, message: str, *, code: str = "refused") -> None:
        super().__init__(message)
        self.message = message
        self.code = code
