"""Errors a user can cause while handling keys, grants and revocations (one line each)."""

from __future__ import annotations

from command.errors import BatonError


class AuthorityError(BatonError):
    """A grant, revocation or order cannot be made or read; the message says what and the fix."""


class KeyFileError(BatonError):
    """A key or trust file is missing, malformed, exposed to other users or already exists."""
