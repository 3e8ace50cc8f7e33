"""Translation: every user-facing string goes through gettext (``_``), in the ``marrowsim``
domain.  English is the source language; Spanish (``es``) is shipped.

The language is, first found: ``$MARROWSIM_LANG``; the station's setting (the data folder's
``settings.json``, written when the language is chosen in the trainer's launcher); the system's
locale (``LANGUAGE``, ``LC_ALL``, ``LC_MESSAGES``, ``LANG``); English.

The catalogues are ``sim/i18n/locale/<lang>/LC_MESSAGES/marrowsim.po`` (committed, updated
with Babel: ``make i18n``).  A build compiles them to ``.mo`` (setup.py, the PyInstaller spec);
a source checkout, which has no ``.mo``, compiles the ``.po`` in memory when it is first used.

Strings defined at import time (tables of labels) are marked with ``N_`` and translated with
``_`` where they are shown, so that switching the language changes them too.
"""

from __future__ import annotations

import gettext
import io
import json
import os
from collections.abc import Mapping
from importlib import resources

from sim.i18n.po import DOMAIN, mo_bytes, parse_po
from sim.paths import default_data_dir

LANG_ENV = "MARROWSIM_LANG"
#: The languages offered, by code, each named in itself.
LANGUAGES = {"en": "English", "es": "Español"}
SOURCE_LANGUAGE = "en"
SETTINGS_FILE = "settings.json"

_current = SOURCE_LANGUAGE
_translation: gettext.NullTranslations = gettext.NullTranslations()


def _catalogue(lang: str) -> gettext.NullTranslations:
    folder = resources.files("sim.i18n") / "locale" / lang / "LC_MESSAGES"
    mo, po = folder / f"{DOMAIN}.mo", folder / f"{DOMAIN}.po"
    if mo.is_file() and not _newer(po, mo):  # a checkout's .po edited since make i18n
        data = mo.read_bytes()
    elif po.is_file():
        data = mo_bytes(parse_po(po.read_text(encoding="utf-8")))
    else:
        return gettext.NullTranslations()
    return gettext.GNUTranslations(io.BytesIO(data))


def _newer(a, b) -> bool:
    try:
        return os.stat(str(a)).st_mtime > os.stat(str(b)).st_mtime
    except OSError:
        return False


def normalise(code: str | None) -> str | None:
    """``es_ES.UTF-8`` -> ``es``; None when it is not a language offered."""
    if not code:
        return None
    lang = code.strip().split(".")[0].split("@")[0].replace("-", "_").split("_")[0].lower()
    return lang if lang in LANGUAGES else None


def station_language(env: Mapping[str, str] | None = None) -> str | None:
    """The language stored for this station (None when none is, or the file is unreadable)."""
    try:
        path = default_data_dir(env) / SETTINGS_FILE
        return normalise(json.loads(path.read_text(encoding="utf-8")).get("language"))
    except (OSError, ValueError, AttributeError):
        return None


def save_station_language(lang: str, env: Mapping[str, str] | None = None) -> None:
    """Store ``lang`` as this station's language (the other settings are kept)."""
    path = default_data_dir(env) / SETTINGS_FILE
    try:
        settings = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(settings, dict):
            settings = {}
    except (OSError, ValueError):
        settings = {}
    settings["language"] = lang
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(settings, indent=1) + "\n", encoding="utf-8")


def chosen_language(env: Mapping[str, str] | None = None) -> str:
    """The language to use: MARROWSIM_LANG, the station's setting, the system's, English."""
    env = os.environ if env is None else env
    explicit = env.get(LANG_ENV, "").strip()
    if explicit:
        return normalise(explicit) or SOURCE_LANGUAGE
    stored = station_language(env)
    if stored:
        return stored
    for var in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(var, "")
        if value:
            return normalise(value.split(":")[0]) or SOURCE_LANGUAGE
    return SOURCE_LANGUAGE


def set_language(lang: str) -> str:
    """Translate into ``lang`` from now on (an unknown code means English); returns it."""
    global _current, _translation
    lang = normalise(lang) or SOURCE_LANGUAGE
    _translation = gettext.NullTranslations() if lang == SOURCE_LANGUAGE else _catalogue(lang)
    _current = lang
    return lang


def use_chosen_language(env: Mapping[str, str] | None = None) -> str:
    return set_language(chosen_language(env))


def current_language() -> str:
    return _current


def _(message: str) -> str:
    """``message`` in the current language."""
    return _translation.gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return _translation.ngettext(singular, plural, n)


#: The RFC 5646 tag of each language, for language maps (xAPI) and ``context.language``.
LANGUAGE_TAGS = {"en": "en-US", "es": "es"}
_catalogues: dict[str, gettext.NullTranslations] = {}


def translate(message: str, lang: str, context: str | None = None) -> str:
    """``message`` in ``lang`` (an unknown code means English), whatever the current language;
    with ``context``, the catalogue's entry of that ``msgctxt`` (a word that is translated
    differently there, e.g. an xAPI verb)."""
    lang = normalise(lang) or SOURCE_LANGUAGE
    if lang == SOURCE_LANGUAGE:
        return message
    if lang not in _catalogues:
        _catalogues[lang] = _catalogue(lang)
    if context is not None:
        return _catalogues[lang].pgettext(context, message)
    return _catalogues[lang].gettext(message)


def language_tag(lang: str | None = None) -> str:
    """The RFC 5646 tag of ``lang`` (default: the current language): ``en-US`` or ``es``."""
    return LANGUAGE_TAGS.get(normalise(lang or _current) or SOURCE_LANGUAGE, "en-US")


def language_map(message: str, context: str | None = None) -> dict[str, str]:
    """``message`` in every language offered, keyed by tag: an xAPI language map."""
    return {LANGUAGE_TAGS[lang]: translate(message, lang, context) for lang in LANGUAGES}


def pgettext(context: str, message: str) -> str:
    """``message`` of ``context`` (the catalogue's ``msgctxt``) in the current language."""
    return _translation.pgettext(context, message)


def N_(message: str) -> str:  # noqa: N802 (gettext's name for it)
    """Mark ``message`` for translation without translating it now (``_`` it when shown)."""
    return message


def NP_(context: str, message: str) -> str:  # noqa: N802 (as N_)
    """Mark ``message`` of ``context`` for translation (Babel: ``-k NP_:1c,2``); returns it."""
    return message
