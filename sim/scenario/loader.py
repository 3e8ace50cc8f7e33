"""Loading scenario files: TOML in, a validated Scenario out, or a one-line error.

Scenario files are data only: they are parsed with ``tomllib`` and validated, never executed.
A broken file is reported with its path, the field path and, where it can be found, the line.

The library has two kinds of scenario:

* **shipped** ones, read through ``importlib.resources`` from the installed package
  (``sim/scenario/shipped/``, which the build copies from the repository's top-level
  ``scenarios/``; see setup.py).  A source checkout or an editable install has no such folder
  and reads the checkout's ``scenarios/``, where shipped scenarios are edited;
* **school** ones: the data folder's ``scenarios/`` (``sim.paths``), where ``scenarios add``
  copies them, and the folders in ``MARROWSIM_SCENARIO_PATH``.

Two files with the same id (a school scenario named like a shipped one, say) are an error that
names both files; neither is used until one is renamed.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import json
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import TYPE_CHECKING

from sim.errors import InputError
from sim.i18n import N_, _, ngettext
from sim.paths import (
    SCENARIO_PATH_ENV,
    default_data_dir,
    extra_scenario_dirs,
    school_scenario_dir,
)

if TYPE_CHECKING:  # imported where used: listing the library from its index needs no pydantic
    from sim.scenario.schema import Scenario

#: The folder inside the package that a build fills with the shipped scenarios.
PACKAGED = "shipped"
SHIPPED, SCHOOL = "shipped", "school"
#: the origins as shown in messages (``_(origin)``)
ORIGIN_WORDS = (N_("shipped"), N_("school"))


def shipped_dir() -> Traversable:
    """The shipped scenarios: ``sim/scenario/shipped/`` of the installed package, or in a source
    checkout (editable install included), which has no such folder, the checkout's
    ``scenarios/``."""
    packaged = resources.files("sim.scenario") / PACKAGED
    if packaged.is_dir():
        return packaged
    checkout = Path(__file__).resolve().parents[2] / "scenarios"
    return checkout if checkout.is_dir() else packaged


SCENARIO_DIR: Traversable = shipped_dir()
_TOML_LINE = re.compile(r"line (\d+)")


def _key_path(raw: str) -> list[str]:
    """``a."b c".d`` -> ``["a", "b c", "d"]`` (TOML dotted key, bare or quoted parts)."""
    return [part.strip().strip('"').strip("'") for part in raw.split(".")]


def _field_line(text: str, loc: tuple) -> int | None:
    """The line of a field path such as ``("events", 1, "trigger", "at_s")`` in TOML text.

    Tables, arrays of tables (counted, so ``[[events]]`` number 1 is index 1), dotted and inline
    keys are followed.  When the field itself is not in the file (a missing field), the line of
    the nearest enclosing table or key is given; when nothing encloses it, None.
    """
    loc = tuple(int(k) if isinstance(k, str) and k.isdigit() else k for k in loc)
    arrays: dict[tuple, int] = {}
    current: tuple = ()
    best_line, best_len = None, 0
    in_string = False

    def consider(path: tuple, n: int) -> None:
        nonlocal best_line, best_len
        if len(path) > best_len and loc[: len(path)] == path:
            best_line, best_len = n, len(path)

    for n, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if in_string:
            in_string = line.count('"""') % 2 == 0
            continue
        if not line or line.startswith("#"):
            continue
        header = re.match(r"^(\[\[?)\s*([^\]]+?)\s*\]\]?", line)
        if header:
            is_array = header.group(1) == "[["
            path: list = []
            names = _key_path(header.group(2))
            for i, name in enumerate(names):
                path.append(name)
                key = tuple(path)
                if is_array and i == len(names) - 1:
                    arrays[key] = arrays.get(key, -1) + 1
                if key in arrays:
                    path.append(arrays[key])
            current = tuple(path)
            consider(current, n)
            continue
        m = re.match(
            r'^((?:"[^"]*"|[A-Za-z0-9_-]+)(?:\s*\.\s*(?:"[^"]*"|[A-Za-z0-9_-]+))*)\s*=', line
        )
        if m:
            consider(current + tuple(_key_path(m.group(1))), n)
            if line.count('"""') % 2 == 1:
                in_string = True
    return best_line


def _located(err: dict) -> tuple:
    """The error's field path, extended by the field a consistency check names."""
    from sim.scenario.schema import FieldError

    loc = tuple(err["loc"])
    cause = (err.get("ctx") or {}).get("error")
    if isinstance(cause, FieldError):
        loc += tuple(int(k) if k.isdigit() else k for k in cause.field.split("."))
    return loc


def _describe(err: dict) -> str:
    msg = err["msg"]
    if err["type"] == "missing":
        return _("missing required field")
    if err["type"] == "extra_forbidden":
        return _("unknown field")
    msg = msg.removeprefix("Value error, ")
    value = err.get("input")
    if err["type"] != "value_error" and isinstance(value, int | float | str | bool):
        msg += _(" (got {value!r})").format(value=value)
    return msg


def parse_scenario(text: str, path: str) -> Scenario:
    """Validate TOML text as a scenario (raises InputError): the schema, then the checks that
    it can be played (``sim.scenario.sanity``).  A UTF-8 byte-order mark is accepted."""
    import tomllib

    from pydantic import ValidationError

    from sim.scenario import sanity
    from sim.scenario.schema import FieldError, Scenario

    text = text.removeprefix("\ufeff")

    try:
        data = tomllib.loads(text)
    except RecursionError:
        raise InputError(_("TOML nested too deeply"), path=path) from None
    except tomllib.TOMLDecodeError as exc:
        m = _TOML_LINE.search(str(exc))
        raise InputError(
            _("TOML syntax error: {error}").format(error=exc),
            path=path,
            line=int(m.group(1)) if m else None,
        ) from None
    try:
        scenario = Scenario.model_validate(data)
    except RecursionError:
        raise InputError(_("scenario nested too deeply"), path=path) from None
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = _located(err)
        field = ".".join(str(p) for p in loc) or None
        more = len(exc.errors()) - 1
        more_errors = ngettext(" (and {n} more error)", " (and {n} more errors)", more)
        suffix = more_errors.format(n=more) if more else ""
        raise InputError(
            _describe(err) + suffix, path=path, line=_field_line(text, loc), field=field
        ) from None
    try:
        sanity.check(scenario)
    except FieldError as exc:
        loc = tuple(int(k) if k.isdigit() else k for k in exc.field.split("."))
        raise InputError(
            str(exc), path=path, line=_field_line(text, loc), field=exc.field
        ) from None
    return scenario


def load_scenario(path: Traversable | str, *, match_name: bool = True) -> Scenario:
    """A scenario file (a path, or a file inside the installed package), validated.

    Its ``id`` must be its file name (``adult-standard.toml`` holds ``adult-standard``), so an
    attempt's scenario id always names the file it came from; ``match_name=False`` only for
    a file about to be copied under its id (``add_school_scenario``).
    """
    path = Path(path) if isinstance(path, str) else path
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(
            _("cannot read scenario file: {error}").format(error=exc), path=str(path)
        ) from None
    scenario = parse_scenario(text, str(path))
    stem = path.name.removesuffix(".toml")
    if match_name and scenario.id != stem:
        raise InputError(
            _("id {id!r} does not match the file name (expected {stem!r})").format(
                id=scenario.id, stem=stem
            ),
            path=str(path),
            line=_field_line(text, ("id",)),
            field="id",
        )
    return scenario


def _load_library_file(path: Traversable) -> Scenario:
    """A file of the library: valid, and its id is its file name."""
    scenario = load_scenario(path)
    stem = path.name.removesuffix(".toml")
    if scenario.id != stem:
        raise InputError(
            _("id {id!r} does not match the file name (expected {stem!r})").format(
                id=scenario.id, stem=stem
            ),
            path=str(path),
            line=_field_line(path.read_text(encoding="utf-8"), ("id",)),
            field="id",
        )
    return scenario


@dataclass(frozen=True)
class ScenarioSummary:
    """What ``scenarios list`` shows of a scenario file that validated (see ``ListingIndex``)."""

    id: str
    title: str
    difficulty: str
    kind: str
    version: int
    objectives: list[str]
    #: the title and objectives in other languages (``[i18n.<code>]``), by language code
    i18n: dict[str, dict] = field(default_factory=dict)

    @classmethod
    def of(cls, scenario: Scenario | ScenarioSummary) -> ScenarioSummary:
        if isinstance(scenario, ScenarioSummary):
            translated = dict(scenario.i18n)
        else:
            translated = {
                lang: {
                    k: v
                    for k, v in (("title", t.title), ("objectives", t.objectives))
                    if v is not None
                }
                for lang, t in scenario.i18n.items()
            }
        return cls(
            scenario.id,
            scenario.title,
            scenario.difficulty,
            scenario.kind,
            scenario.version,
            list(scenario.objectives),
            translated,
        )

    def text(self, name: str):
        """The title or objectives in the current language (``Scenario.text``'s rule)."""
        from sim.i18n import current_language

        given = self.i18n.get(current_language(), {})
        return given.get(name, getattr(self, name))


#: The files of the validation code: a change to any of them invalidates the listing index.
_VALIDATION_SOURCES = (
    "scenario/schema.py",
    "scenario/loader.py",
    "vocabulary/commands.py",
    "vocabulary/events.py",
    "vocabulary/technique.py",
)


class ListingIndex:
    """The summaries of scenario files already validated, by the SHA-256 of their bytes, in the
    data folder's ``cache/scenario-index.json``: ``scenarios list`` shows a file it has seen
    validate without importing pydantic and the scenario models again.  A file whose bytes
    changed, a file never seen, and every broken file are validated in full as before; the index
    is thrown away when the validation code (or pydantic) changes.  It is only a cache: one that
    cannot be read or written is ignored."""

    def __init__(self, env: Mapping[str, str] | None = None) -> None:
        self.path = default_data_dir(env) / "cache" / "scenario-index.json"
        self.stamp = _validation_stamp()
        self.known: dict[str, dict] = {}
        self.changed = False
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            if data.get("stamp") == self.stamp:
                self.known = dict(data.get("files", {}))
        except (OSError, ValueError, AttributeError):
            pass

    def load(self, path: Traversable) -> ScenarioSummary:
        """The file's summary: from the index, or validated in full (raises InputError)."""
        try:
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
        except OSError:
            return ScenarioSummary.of(_load_library_file(path))
        row = self.known.get(digest)
        stem = path.name.removesuffix(".toml")
        if row is not None and row.get("id") == stem:
            try:
                return ScenarioSummary(**row)
            except TypeError:
                pass
        summary = ScenarioSummary.of(_load_library_file(path))
        self.known[digest] = dict(summary.__dict__)
        self.changed = True
        return summary

    def save(self) -> None:
        if not self.changed:
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            tmp = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
            tmp.write_text(json.dumps({"stamp": self.stamp, "files": self.known}), "utf-8")
            os.replace(tmp, self.path)
        except OSError:
            pass


def _validation_stamp() -> str:
    """A fingerprint of the code that validates scenario files (and of pydantic's version)."""
    h = hashlib.sha256()
    package = Path(__file__).resolve().parents[1]
    for name in _VALIDATION_SOURCES:
        try:
            h.update((package / name).read_bytes())
        except OSError:
            h.update(name.encode())
    spec = importlib.util.find_spec("pydantic")
    if spec is not None and spec.origin:
        with contextlib.suppress(OSError):
            h.update((Path(spec.origin).parent / "version.py").read_bytes())
    return h.hexdigest()


@dataclass(frozen=True)
class LibraryEntry:
    path: Traversable
    #: The validated scenario (a ``ScenarioSummary`` in a listing library), or None if broken.
    scenario: Scenario | None
    error: InputError | None
    #: ``shipped``, ``school`` or, for a library of one given folder, ``folder``
    origin: str = "folder"

    @property
    def stem(self) -> str:
        return self.path.name.removesuffix(".toml")


@dataclass(frozen=True)
class Source:
    """A folder the library reads."""

    folder: Traversable
    origin: str
    #: A folder named in MARROWSIM_SCENARIO_PATH must exist; the data folder's need not.
    required: bool = False
    why: str = ""

    def describe(self) -> str:
        return f"{self.folder} ({self.why or self.origin})"


def default_sources(env: Mapping[str, str] | None = None) -> list[Source]:
    """The shipped scenarios, then the data folder's ``scenarios/``, then each folder of
    ``MARROWSIM_SCENARIO_PATH`` (a folder given twice is read once)."""
    env = os.environ if env is None else env
    sources = [Source(SCENARIO_DIR, SHIPPED, why="shipped")]
    seen = {_same(SCENARIO_DIR)}
    school = [(school_scenario_dir(env), False, "school: the data folder's scenarios")]
    school += [(d, True, f"school: {SCENARIO_PATH_ENV}") for d in extra_scenario_dirs(env)]
    for folder, required, why in school:
        key = _same(folder)
        if key not in seen:
            seen.add(key)
            sources.append(Source(folder, SCHOOL, required, why))
    return sources


def _same(folder: Traversable) -> str:
    """A key under which one folder, however it is named, is seen once."""
    try:
        return os.path.normcase(str(Path(str(folder)).resolve()))
    except (OSError, RuntimeError):
        return str(folder)


def _toml_files(folder: Traversable) -> list[Traversable]:
    return sorted(
        (f for f in folder.iterdir() if f.name.endswith(".toml") and f.is_file()),
        key=lambda f: f.name,
    )


class ScenarioLibrary:
    """All scenario files of the library; a broken one is kept with its error, not dropped.

    ``ScenarioLibrary()`` reads the shipped and the school scenarios (``default_sources``);
    ``ScenarioLibrary(folder)`` reads that one folder only.  ``listing=True`` gives each valid
    file a ``ScenarioSummary`` (id, title, difficulty, kind, version, objectives) instead of its
    full model, through the ``ListingIndex``: what ``scenarios list`` shows, without pydantic
    once the files have been seen to validate.
    """

    def __init__(
        self,
        folder: Path | str | None = None,
        *,
        env: Mapping[str, str] | None = None,
        listing: bool = False,
    ) -> None:
        if folder is None:
            self.sources = default_sources(env)
        else:
            self.sources = [Source(Path(folder), "folder")]
        self.folder = self.sources[0].folder  # the first (the shipped) folder, as before
        self.entries: list[LibraryEntry] = []
        index = ListingIndex(env) if listing else None
        load = index.load if index is not None else _load_library_file
        for source in self.sources:
            self.entries += self._read(source, load)
        if index is not None:
            index.save()
        self._report_clashes()

    @staticmethod
    def _read(source: Source, load=None) -> list[LibraryEntry]:
        load = load or _load_library_file
        try:
            files = _toml_files(source.folder)
        except FileNotFoundError:
            if not source.required:
                return []
            error = InputError(
                _("scenario folder not found ({why})").format(why=source.why),
                path=str(source.folder),
            )
            return [LibraryEntry(source.folder, None, error, source.origin)]
        except OSError as exc:
            message = _("cannot read scenario folder: {error}").format(error=exc)
            error = InputError(message, path=str(source.folder))
            return [LibraryEntry(source.folder, None, error, source.origin)]
        entries = []
        for path in files:
            try:
                entries.append(LibraryEntry(path, load(path), None, source.origin))
            except InputError as exc:
                entries.append(LibraryEntry(path, None, exc, source.origin))
        return entries

    def _report_clashes(self) -> None:
        """Files with the same id in two folders: each becomes an error naming both."""
        by_stem: dict[str, list[int]] = {}
        for i, e in enumerate(self.entries):
            if e.path.name.endswith(".toml"):
                by_stem.setdefault(e.stem, []).append(i)
        for stem, found in by_stem.items():
            if len(found) < 2:
                continue
            clashing = [self.entries[i] for i in found]
            error = clash_error(stem, [(e.path, e.origin) for e in clashing])
            for i in found:
                self.entries[i] = LibraryEntry(
                    self.entries[i].path, None, error, self.entries[i].origin
                )

    def scenarios(self) -> list[Scenario]:
        return [e.scenario for e in self.entries if e.scenario is not None]

    def broken(self) -> list[LibraryEntry]:
        return [e for e in self.entries if e.error is not None]

    def where(self) -> str:
        """The folders read, for messages."""
        return ", ".join(s.describe() for s in self.sources)

    def check_not_empty(self) -> None:
        """Raise a one-line error when there is no usable scenario."""
        if not self.scenarios():
            broken = len(self.broken())
            detail = (
                "; " + ngettext("{n} broken file", "{n} broken files", broken).format(n=broken)
                if broken
                else ""
            )
            raise InputError(
                _("no scenarios found (looked in {where}{detail})").format(
                    where=self.where(), detail=detail
                )
            )

    def get(self, scenario_id: str) -> Scenario:
        for e in self.entries:
            if e.scenario is not None and e.scenario.id == scenario_id:
                return e.scenario
        for e in self.entries:
            if e.error is not None and e.stem == scenario_id:
                raise e.error
        self.check_not_empty()
        known = ", ".join(s.id for s in self.scenarios())
        raise InputError(
            _("unknown scenario {id!r} (known: {known})").format(id=scenario_id, known=known)
        )


def clash_error(scenario_id: str, files: list[tuple[Traversable, str]]) -> InputError:
    """Two or more files with one id: the error names every one of them."""
    named = " and ".join(f"{path} ({origin})" for path, origin in files)
    named = _(" and ").join(f"{path} ({_(origin)})" for path, origin in files)
    fix = (
        _("give the school scenario an id of its own (its file name too)")
        if any(origin == SHIPPED for _path, origin in files)
        else _("give each an id of its own (its file name too)")
    )
    message = _("scenario id {id!r} is used by two files: {files}; {fix}")
    return InputError(message.format(id=scenario_id, files=named, fix=fix))


def resolve_scenario(ref: str) -> Scenario:
    """A scenario by id from the library (shipped or school), or by path to a TOML file."""
    if ref.endswith(".toml") or "/" in ref or "\\" in ref:
        return load_scenario(ref)
    # The quick way: the one file of that name, without reading the whole library.  Anything
    # else (no such file, or the id in two folders) goes through the library for its error.
    hits = []
    for source in default_sources():
        candidate = source.folder / f"{ref}.toml"
        try:
            if candidate.is_file():
                hits.append(candidate)
        except OSError:
            pass
    if len(hits) == 1:
        return _load_library_file(hits[0])
    return ScenarioLibrary().get(ref)


def add_school_scenario(
    source: Path | str, *, env: Mapping[str, str] | None = None, replace: bool = False
) -> Path:
    """Validate a school's scenario file and copy it into the data folder's ``scenarios/`` as
    ``<id>.toml``; returns the new file.

    Refused with a one-line error, nothing written: an invalid file, an id that a shipped or
    another school scenario already has, or a file of that id already there (unless
    ``replace``: then that one file is replaced, on purpose).
    """
    source = Path(source)
    scenario = load_scenario(source, match_name=False)
    try:
        data = source.read_bytes()
    except OSError as exc:
        message = _("cannot read scenario file: {error}").format(error=exc)
        raise InputError(message, path=str(source)) from None
    folder = school_scenario_dir(env)
    dest = folder / f"{scenario.id}.toml"
    if _same(source) == _same(dest):
        message = _("this file is already in the school scenario folder")
        raise InputError(message, path=str(source))
    for src in default_sources(env):
        if _same(src.folder) == _same(folder):
            continue
        other = src.folder / dest.name
        try:
            taken = other.is_file()
        except OSError:
            taken = False
        if taken and _same(other) == _same(source):
            message = _("this file is already in the library ({why})").format(why=src.why)
            raise InputError(message, path=str(source))
        if taken:
            message = _(
                "id {id!r} is already used by {file} ({why}); give the school scenario an id"
                " of its own; nothing was added"
            )
            raise InputError(
                message.format(id=scenario.id, file=other, why=src.why),
                path=str(source),
                field="id",
            )
    if dest.exists() and not replace:
        message = _(
            "{file} already exists (a school scenario with id {id!r}); nothing was changed:"
            " remove that file first, or add with --replace"
        )
        raise InputError(message.format(file=dest, id=scenario.id), path=str(source))
    try:
        folder.mkdir(parents=True, exist_ok=True)
        if replace:
            tmp = dest.with_name(f".{dest.name}.{os.getpid()}.tmp")
            try:
                tmp.write_bytes(data)
                os.replace(tmp, dest)
            finally:
                tmp.unlink(missing_ok=True)
        else:
            _write_new(dest, data, source)
    except OSError as exc:
        raise InputError(
            _("cannot write to the school scenario folder: {error}").format(
                error=exc.strerror or exc
            ),
            path=str(folder),
        ) from None
    return dest


def _write_new(dest: Path, data: bytes, source: Path) -> None:
    """Create ``dest`` (exclusively: a file that appeared meanwhile is never replaced)."""
    try:
        stream = dest.open("xb")
    except FileExistsError:
        message = _("{file} already exists; nothing was changed").format(file=dest)
        raise InputError(message, path=str(source)) from None
    try:
        with stream:
            stream.write(data)
    except OSError:
        dest.unlink(missing_ok=True)  # no half-written scenario left behind
        raise
