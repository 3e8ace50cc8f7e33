"""Getting the instructor passphrase for a command-line action: env var, else a prompt.

``MARROWSIM_INSTRUCTOR_PASSPHRASE`` serves scripts; otherwise the passphrase is read with
``getpass`` (never echoed).  It is checked against the instructor key file outside the data
folder (``authority.py``), never against anything a trainee can edit.  On a new station (no key
and nothing in the database saying there was one) instructor actions are open, with a warning,
so it can be set up; ``instructor init`` closes them.
"""

from __future__ import annotations

import getpass
import sys
from collections.abc import Callable, Mapping

from sim.errors import InputError
from sim.i18n import N_, _
from sim.records.roles import InstructorRecords, instructor_records
from sim.records.store import RecordStore

PASSPHRASE_ENV = "MARROWSIM_INSTRUCTOR_PASSPHRASE"
NEW_PASSPHRASE_ENV = "MARROWSIM_NEW_INSTRUCTOR_PASSPHRASE"
#: printed after the fixed prefix ``marrowsim: note: `` (which scripts and tests look for)
OPEN_WARNING = N_(
    "no instructor passphrase is set, so anyone at this station can see all results; set one"
    " with `python -m sim instructor init`"
)

Prompt = Callable[[str], str]


def read_passphrase(env: Mapping[str, str], prompt: Prompt = getpass.getpass) -> str:
    """The instructor passphrase from the environment or a no-echo prompt."""
    if env.get(PASSPHRASE_ENV):
        return env[PASSPHRASE_ENV]
    if not sys.stdin.isatty():
        raise InputError(
            _("instructor passphrase needed: set {env} or use a terminal").format(
                env=PASSPHRASE_ENV
            )
        )
    return prompt(_("Instructor passphrase: "))


def instructor_access(
    store: RecordStore, env: Mapping[str, str], prompt: Prompt = getpass.getpass
) -> InstructorRecords:
    """The instructor's records once the passphrase is checked (open, with a warning, on a new
    station; refused when the station's key file is missing)."""
    if store.instructor_state() == "open":
        print("marrowsim: note: " + _(OPEN_WARNING), file=sys.stderr)
        return InstructorRecords(store)
    return instructor_records(store, read_passphrase(env, prompt))


def read_new_passphrase(env: Mapping[str, str], prompt: Prompt = getpass.getpass) -> str:
    """A new passphrase from the environment, or typed twice at a no-echo prompt."""
    if env.get(NEW_PASSPHRASE_ENV):
        return env[NEW_PASSPHRASE_ENV]
    if not sys.stdin.isatty():
        message = _("new passphrase needed: set {env} or use a terminal")
        raise InputError(message.format(env=NEW_PASSPHRASE_ENV))
    first = prompt(_("New instructor passphrase: "))
    if prompt(_("Repeat the new passphrase: ")) != first:
        raise InputError(_("the two passphrases differ; nothing was changed"))
    return first
