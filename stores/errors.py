"""Typed errors of the stores: the environment's fault (show the user) versus not-found lookups."""

from __future__ import annotations


class StoreError(Exception):
    """Base class of every error the stores raise on purpose."""


class NotFoundError(StoreError, KeyError):
    """A memory or observation with the given id does not exist."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else "not found"


class UserFacingError(StoreError):
    """An error caused by the environment or the user's input, with a message fit to show them."""


class WrongKeyError(UserFacingError):
    """The database key or passphrase does not open this data dir."""


class KeyUnavailableError(UserFacingError):
    """No OS keyring works and no passphrase was given."""


class DataDirError(UserFacingError):
    """The data dir cannot be created, read or written (permissions, full disk)."""


class ValidationError(StoreError, ValueError):
    """A record has a missing or invalid field."""
