"""The instructor's authority: an Ed25519 key derived from the passphrase, pinned outside the
data folder.

A trainee on a shared station can edit every file in the data folder (the records database
included), so nothing there can decide who the instructor is.  The instructor key file lives
elsewhere, in a folder only the instructor or an administrator can write
(``platformdirs.site_config_path("marrowsim")/instructor-key.json``, e.g.
``/etc/xdg/marrowsim`` or ``C:\\ProgramData\\marrowsim``; ``MARROWSIM_INSTRUCTOR_KEY`` names
another file).  It holds the scrypt salt and cost and the Ed25519 *public* key; the private key
is never stored: ``scrypt(passphrase, salt)`` is its 32-byte seed, re-derived whenever the
instructor gives the passphrase.  So:

* checking a passphrase = deriving the key and comparing its public half with the pinned one
  (constant time);
* instructor decisions (assessment definitions, exported chain heads) carry an Ed25519
  signature anyone can check with the public key and nobody without the passphrase can make;
* an attacker who reads the key file can only guess passphrases offline at scrypt's cost
  (OWASP's N=2^17, r=8, p=1 by default): choose a long passphrase.

``python -m sim instructor init`` writes the file (docs/records.md, "Trainees and the
instructor").  ``Throttle`` slows down repeated wrong passphrases.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import stat
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import platformdirs
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from sim.errors import InputError
from sim.i18n import N_, _

KEY_ENV = "MARROWSIM_INSTRUCTOR_KEY"
KEY_NAME = "instructor-key.json"
FORMAT = "marrowsim-instructor-key/1"
#: scrypt cost for a new key (OWASP password storage cheat sheet: N=2^17, r=8, p=1).  Tests
#: lower it; the cost used travels in the key file.
KDF_N, KDF_R, KDF_P = 2**17, 8, 1
SALT_BYTES = 16
MIN_LENGTH = 8
SHORT_PASSPHRASE = N_("the passphrase must have at least {n} characters")


class PassphraseRefused(InputError):
    """A wrong instructor passphrase.  The message gives no hint why."""

    def __init__(self, message: str = N_("instructor passphrase refused")) -> None:
        super().__init__(_(message))


class PassphraseThrottled(PassphraseRefused):
    """Too many wrong passphrases in a row: no passphrase is checked until the delay is over."""

    def __init__(self, wait_s: float) -> None:
        self.wait_s = wait_s
        message = _("instructor passphrase refused: too many wrong passphrases; try again in {s} s")
        super().__init__(message.format(s=max(1, round(wait_s))))


def key_path(env: Mapping[str, str] | None = None) -> Path:
    """Where the instructor key file is: ``$MARROWSIM_INSTRUCTOR_KEY`` or the site config."""
    env = os.environ if env is None else env
    override = env.get(KEY_ENV, "").strip()
    if override:
        return Path(override).expanduser()
    return Path(platformdirs.site_config_path("marrowsim", appauthor=False)) / KEY_NAME


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"), validate=True)


def canonical_json(value: Any) -> bytes:
    """The bytes a signature covers: key-sorted compact JSON."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode()


def _message(kind: str, payload: Mapping[str, Any]) -> bytes:
    return f"marrowsim/{kind}/1\n".encode() + canonical_json(dict(payload))


def fingerprint(public: bytes) -> str:
    """A short name for a public key: the first 16 hex digits of its SHA-256."""
    return hashlib.sha256(public).hexdigest()[:16]


@dataclass
class InstructorKey:
    """The pinned instructor key: scrypt parameters and the public key (and retired ones)."""

    path: Path
    public: bytes
    salt: bytes
    n: int
    r: int
    p: int
    retired: list[bytes] = field(default_factory=list)

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.public)

    def derive(self, passphrase: str) -> Ed25519PrivateKey:
        """The private key for a passphrase (not checked: see ``unlock``)."""
        seed = hashlib.scrypt(
            passphrase.encode("utf-8"),
            salt=self.salt,
            n=self.n,
            r=self.r,
            p=self.p,
            maxmem=256 * self.n * self.r + (1 << 20),
            dklen=32,
        )
        return Ed25519PrivateKey.from_private_bytes(seed)

    def unlock(self, passphrase: str) -> Ed25519PrivateKey:
        """The private key, or PassphraseRefused when the passphrase is not the instructor's."""
        private = self.derive(passphrase)
        public = private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        if not hmac.compare_digest(public, self.public):
            raise PassphraseRefused()
        return private

    def verify(self, kind: str, payload: Mapping[str, Any], signature: str | None) -> bool:
        """True when ``signature`` is the instructor's (current or retired key) over it."""
        if not signature:
            return False
        try:
            raw = _unb64(signature)
        except (ValueError, UnicodeError):
            return False
        message = _message(kind, payload)
        for public in [self.public, *self.retired]:
            try:
                Ed25519PublicKey.from_public_bytes(public).verify(raw, message)
                return True
            except (InvalidSignature, ValueError):
                continue
        return False

    def to_json(self) -> dict:
        return {
            "format": FORMAT,
            "kdf": {
                "name": "scrypt",
                "n": self.n,
                "r": self.r,
                "p": self.p,
                "salt": _b64(self.salt),
            },
            "public_key": _b64(self.public),
            "fingerprint": self.fingerprint,
            "retired_public_keys": [_b64(k) for k in self.retired],
        }


def sign(private: Ed25519PrivateKey, kind: str, payload: Mapping[str, Any]) -> str:
    """An Ed25519 signature (base64) over ``kind`` and the canonical JSON of ``payload``."""
    return _b64(private.sign(_message(kind, payload)))


def load_key(path: Path) -> InstructorKey | None:
    """The key file at ``path`` (None when there is none); a malformed one is an InputError."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise InputError(
            _("cannot read the instructor key: {error}").format(error=exc.strerror), path=str(path)
        ) from None
    try:
        data = json.loads(text)
        if data.get("format") != FORMAT:
            raise InputError(_("not a Marrowsim instructor key"), path=str(path), field="format")
        kdf = data["kdf"]
        key = InstructorKey(
            path=path,
            public=_unb64(data["public_key"]),
            salt=_unb64(kdf["salt"]),
            n=int(kdf["n"]),
            r=int(kdf["r"]),
            p=int(kdf["p"]),
            retired=[_unb64(k) for k in data.get("retired_public_keys", [])],
        )
    except InputError:
        raise
    except (ValueError, KeyError, TypeError, AttributeError, UnicodeError) as exc:
        raise InputError(
            _("the instructor key file is malformed ({error})").format(
                error=f"{type(exc).__name__}: {exc}"
            ),
            path=str(path),
        ) from None
    if len(key.public) != 32 or kdf.get("name") != "scrypt" or key.n < 2 or key.n & (key.n - 1):
        raise InputError(_("the instructor key file is malformed"), path=str(path), field="kdf")
    return key


def _inside(path: Path, folder: Path) -> bool:
    try:
        path.resolve().relative_to(folder.resolve())
    except ValueError:
        return False
    return True


def check_location(path: Path, data_dir: Path | None) -> None:
    """Refuse a key file trainees could replace: inside the data folder, or world-writable."""
    if data_dir is not None and _inside(path, data_dir):
        raise InputError(
            _(
                "the instructor key must not be inside the data folder (trainees can write"
                " there); set {env} to a file in an instructor-owned folder"
            ).format(env=KEY_ENV),
            path=str(path),
        )
    if os.name == "posix":
        for p in (path, path.parent):
            if (
                p.exists()
                and p.stat().st_mode & stat.S_IWOTH
                and not p.stat().st_mode & stat.S_ISVTX
            ):
                raise InputError(
                    _("the instructor key (or its folder) can be changed by any user"),
                    path=str(p),
                )


def create_key(
    path: Path,
    passphrase: str,
    *,
    data_dir: Path | None = None,
    retire: InstructorKey | None = None,
    salt: bytes | None = None,
) -> tuple[InstructorKey, Ed25519PrivateKey]:
    """Write a new key file for ``passphrase`` (atomically); ``retire`` is the key it replaces,
    whose public half is kept so signatures made with it still check."""
    if len(passphrase) < MIN_LENGTH:
        raise InputError(_(SHORT_PASSPHRASE).format(n=MIN_LENGTH))
    check_location(path, data_dir)
    key = InstructorKey(
        path=path,
        public=b"",
        salt=os.urandom(SALT_BYTES) if salt is None else salt,
        n=KDF_N,
        r=KDF_R,
        p=KDF_P,
        retired=([*retire.retired, retire.public] if retire is not None else []),
    )
    private = key.derive(passphrase)
    key.public = private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    text = json.dumps(key.to_json(), indent=1, sort_keys=True) + "\n"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".instructor-key-", dir=path.parent)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, 0o644)  # readable by the trainer (the public key), writable by the owner
        os.replace(tmp, path)
    except OSError as exc:
        raise InputError(
            _(
                "cannot write the instructor key: {error}; run `instructor init` as the"
                " instructor or an administrator, or set {env}"
            ).format(error=exc.strerror or exc, env=KEY_ENV),
            path=str(path),
        ) from None
    return key, private


# ------------------------------------------------------------------------------ throttle
def throttle_delay(failures: int) -> float:
    """Seconds to wait after ``failures`` wrong passphrases in a row: three free tries, then
    1, 2, 4, … s, at most 15 minutes."""
    if failures < 3:
        return 0.0
    return float(min(2 ** (failures - 3), 900))


@dataclass
class Throttle:
    """Wrong-passphrase counting kept in the records database (so a restart does not reset it).

    ``load``/``save`` read and write ``{"failures": n, "last": unix time}``; ``clock`` gives the
    time (injected by tests), ``delay`` the schedule.
    """

    load: Callable[[], dict]
    save: Callable[[dict], None]
    clock: Callable[[], float]
    delay: Callable[[int], float] = throttle_delay

    def wait_s(self) -> float:
        """How long until the next passphrase may be checked (0 when it may now)."""
        state = self.load()
        try:
            failures, last = int(state.get("failures", 0)), float(state.get("last", 0.0))
        except (TypeError, ValueError):
            failures, last = 99, float("inf")
        now = self.clock()
        if not last <= now:  # a time in the future (edited, or a clock set back): from now
            self.save({"failures": failures, "last": now})
            last = now
        return max(0.0, self.delay(failures) - (now - last))

    def check(self, attempt: Callable[[], Any]) -> Any:
        """Run ``attempt`` (which raises PassphraseRefused when wrong) unless throttled."""
        wait = self.wait_s()
        if wait > 0:
            raise PassphraseThrottled(wait)
        try:
            result = attempt()
        except PassphraseRefused:
            state = self.load()
            self.save({"failures": int(state.get("failures", 0)) + 1, "last": self.clock()})
            raise
        if self.load().get("failures"):
            self.save({"failures": 0, "last": self.clock()})
        return result
