"""Errors that services raise and that pages and the API turn into a clear message."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied


class ActionRefused(Exception):
    """The action is not possible now: the object's state (already done, closed, ended) or a
    duplicate. Pages show the message; the API answers 409. Nothing has been changed.

    A person who may not take the action at all is refused with PermissionDenied (403), not
    with this: see core.permissions.require.
    """

    def __init__(self, message: str, *, code: str = "refused") -> None:
        super().__init__(message)
        self.message = message
        self.code = code


class NotAllowed(PermissionDenied):
    """This person may not take the action at all, with a reason the person may read (a
    permission refusal: 403 on the pages and in the API, which show the message)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
