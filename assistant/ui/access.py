"""Who may use the app and who may change its index: logins, salted password hashes, admins, anonymous use.

A password in the settings is either a salted hash, ``pbkdf2_sha256$<iterations>$<salt>$<hash>`` (what
``policy-assistant hash-password`` prints), ``env:NAME`` (read from the environment variable NAME when the app
starts), or the password itself. Uploads and removals are for admins only; the handlers check the request's user,
so an API call is held to the same rule as the buttons.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import ipaddress
import os
import secrets
from collections.abc import Callable
from dataclasses import dataclass

from ..settings import UISettings

HASH_SCHEME = "pbkdf2_sha256"
HASH_ITERATIONS = 600_000
"""OWASP's 2023 figure for PBKDF2-HMAC-SHA256: about half a second a login on a 2-core CPU."""
ENV_PREFIX = "env:"


class AccessError(ValueError):
    """A login setting that cannot be used, or a deployment the settings do not allow; one line."""


def hash_password(password: str, iterations: int = HASH_ITERATIONS, salt: str | None = None) -> str:
    salt = salt or secrets.token_hex(16)
    digest = hashlib.pbkdf2_hmac("sha256", password.encode(), salt.encode(), iterations)
    return f"{HASH_SCHEME}${iterations}${salt}${base64.b64encode(digest).decode()}"


def _is_hash(stored: str) -> bool:
    return stored.startswith(HASH_SCHEME + "$")


def _check_hash(stored: str, password: str, user: str) -> bool:
    parts = stored.split("$")
    if len(parts) != 4 or not parts[1].isdigit() or int(parts[1]) < 1:
        raise AccessError(f"the password hash of '{user}' must look like {HASH_SCHEME}$<iterations>$<salt>$<hash>")
    _, iterations, salt, expected = parts
    digest = hashlib.pbkdf2_hmac("sha256", password.encode(), salt.encode(), int(iterations))
    return hmac.compare_digest(base64.b64encode(digest).decode(), expected)


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:  # a host name: it may resolve to anything
        return False


@dataclass(frozen=True)
class Access:
    """The logins (user -> stored password: a hash or the password itself) and who may change the index."""

    logins: dict[str, str]
    admins: frozenset[str]
    read_only: bool = False

    @classmethod
    def from_settings(cls, ui: UISettings, host: str, allow_anonymous: bool = False) -> Access:
        """The access rules for serving on ``host``, or AccessError naming what to set."""
        logins = dict(ui.users)
        if ui.auth:
            user, sep, password = ui.auth.partition(":")
            if not sep or not user or not password:
                raise AccessError("setting 'ui.auth' must be 'user:password' (or empty for no login)")
            logins[user] = password
        for user, stored in logins.items():
            if stored.startswith(ENV_PREFIX):
                name = stored[len(ENV_PREFIX) :]
                if not os.environ.get(name):
                    raise AccessError(f"the password of '{user}' is read from ${name}, which is not set")
                logins[user] = os.environ[name]
            if _is_hash(logins[user]):
                _check_hash(logins[user], "", user)  # a malformed hash is reported now, not at the first login
        unknown = sorted(set(ui.admins) - set(logins))
        if unknown:
            raise AccessError(f"'ui.admins' names {', '.join(unknown)}, who cannot log in: add them to 'ui.users'")
        anonymous = not logins and not is_loopback(host)
        if anonymous and not (allow_anonymous or ui.allow_anonymous):
            raise AccessError(
                f"serving on {host} without a login would let anyone on the network change the index: set "
                "'ui.users' (and 'ui.admins'), or pass --allow-anonymous to serve read-only"
            )
        return cls(logins, frozenset(ui.admins), read_only=anonymous)

    def login(self) -> Callable[[str, str], bool] | None:
        """Gradio's ``auth`` callable, or None when nobody logs in."""
        if not self.logins:
            return None

        def check(user: str, password: str) -> bool:
            stored = self.logins.get(user)
            if stored is None:
                return False
            if _is_hash(stored):
                return _check_hash(stored, password, user)
            return hmac.compare_digest(stored.encode(), password.encode())

        return check

    def may_write(self, user: str | None) -> bool:
        """Whether ``user`` (None: nobody logged in) may upload and remove documents."""
        if self.read_only:
            return False
        if self.admins:
            return user in self.admins
        return True  # no admins named: whoever may open the app (loopback, or any login) may change it
