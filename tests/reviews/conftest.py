"""Fixtures shared with the other tests of multisource feedback, reviews and assessment."""

from tests.feedback_support import emails, own_client, traineeship

__all__ = ["emails", "own_client", "traineeship"]
