"""The legacy instructor passphrase hash (schema 1-3 kept it in the records database).

Since schema 4 the instructor's authority is the key file of ``authority.py``; a hash found in
the database is only used once, to let ``instructor init`` move a station over (the passphrase
must match it).  A salted scrypt hash (hashlib.scrypt), compared in constant time.

Stored form: ``scrypt$<n>$<r>$<p>$<salt base64>$<hash base64>``; the cost parameters travel
with the hash so they can be raised later without locking anyone out.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os

from sim.errors import InputError
from sim.i18n import N_, _
from sim.records.authority import PassphraseRefused

__all__ = ["PassphraseRefused", "check_passphrase", "hash_passphrase"]

N, R, P = 2**14, 8, 1
SALT_BYTES = 16
KEY_BYTES = 32
MIN_LENGTH = 8
SHORT_PASSPHRASE = N_("the passphrase must have at least {n} characters")


def _derive(passphrase: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(
        passphrase.encode("utf-8"), salt=salt, n=n, r=r, p=p, maxmem=0, dklen=KEY_BYTES
    )


def hash_passphrase(passphrase: str, *, salt: bytes | None = None) -> str:
    """The stored form of a new passphrase (a fresh random salt unless one is given)."""
    if len(passphrase) < MIN_LENGTH:
        raise InputError(_(SHORT_PASSPHRASE).format(n=MIN_LENGTH))
    salt = os.urandom(SALT_BYTES) if salt is None else salt
    key = _derive(passphrase, salt, N, R, P)
    b64 = base64.b64encode
    return f"scrypt${N}${R}${P}${b64(salt).decode()}${b64(key).decode()}"


def check_passphrase(passphrase: str, stored: str) -> bool:
    """True when ``passphrase`` matches the stored hash."""
    try:
        scheme, n, r, p, salt, key = stored.split("$")
        if scheme != "scrypt":
            return False
        expected = base64.b64decode(key)
        got = _derive(passphrase, base64.b64decode(salt), int(n), int(r), int(p))
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(got, expected)
