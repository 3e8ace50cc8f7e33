"""An attempt as xAPI 1.0.3 statements, in cmi5-style order.

    initialized → one attempted (or interacted) per bone penetration → passed | failed
    (or completed when unscored) → terminated

An incomplete attempt gets no passed/failed/completed.  The words shown (verbs' ``display``,
activities' ``name``) are language maps in every language offered (``en-US`` and ``es``, from
the catalogue and the scenario's ``[i18n.es]``), so a statement is the same whatever language
built it, but for ``context.language``: the trainee's chosen language (the station's, or
``MARROWSIM_LANG``), ``en-US`` or ``es``.  Statement ids are uuid5(attempt id,
index), so sending the same attempt twice is idempotent at the LRS.  Timestamps are wall-clock
times recorded with the commands; durations are ISO 8601.  Verb IRIs are ADL's (the ones cmi5
reuses); extension IRIs live under the configured ``iri_base`` (docs/records.md lists them).
"""

from __future__ import annotations

import bisect
import uuid
from datetime import datetime
from typing import Any

from sim import __version__
from sim.i18n import LANGUAGE_TAGS, LANGUAGES, N_, NP_, language_map, language_tag, translate
from sim.records.replay import replay_stored_attempt
from sim.records.results import summarize
from sim.vocabulary.events import NEEDLE_DANGER_EVENTS

XAPI_VERSION = "1.0.3"
ADL_VERBS = "http://adlnet.gov/expapi/verbs/"
ACTIVITY_TYPES = "http://adlnet.gov/expapi/activities/"
CMI5_MASTERY = "https://w3id.org/xapi/cmi5/context/extensions/masteryscore"
#: Namespace of the uuid5 statement ids (fixed forever: changing it breaks idempotency).
STATEMENT_NAMESPACE = uuid.UUID("8f5b2d52-3c0e-5b8e-9a51-6d2f1e7c4a10")
CRITICAL_FLAGS = NEEDLE_DANGER_EVENTS


#: The msgctxt of the ADL verbs' displays in the catalogue (a verb is a word used elsewhere)
VERB_CONTEXT = "xAPI verb"
#: The verbs used, marked for the catalogue in that context
VERBS = (
    NP_("xAPI verb", "initialized"),
    NP_("xAPI verb", "attempted"),
    NP_("xAPI verb", "interacted"),
    NP_("xAPI verb", "passed"),
    NP_("xAPI verb", "failed"),
    NP_("xAPI verb", "completed"),
    NP_("xAPI verb", "terminated"),
)
#: The landmarks a penetration's activity is named after, by the simulation's code
LANDMARK_NAMES = {
    "left_psis": N_("left PSIS"),
    "right_psis": N_("right PSIS"),
    "left_asis": N_("left ASIS"),
    "right_asis": N_("right ASIS"),
}


def verb(name: str) -> dict:
    """An ADL verb with its IRI and its display in each language offered."""
    return {"id": ADL_VERBS + name, "display": language_map(name, VERB_CONTEXT)}


def statement_id(attempt_id: str, index: int) -> str:
    """The deterministic id of statement ``index`` of an attempt."""
    return str(uuid.uuid5(STATEMENT_NAMESPACE, f"{attempt_id}/{index}"))


def iso_duration(seconds: float) -> str:
    """ISO 8601 duration to 0.01 s, e.g. ``PT1H2M3.5S``."""
    centis = max(0, round(seconds * 100))
    hours, rest = divmod(centis, 360000)
    minutes, centis = divmod(rest, 6000)
    secs = f"{centis / 100:.2f}".rstrip("0").rstrip(".")
    return "PT" + (f"{hours}H" if hours else "") + (f"{minutes}M" if minutes else "") + secs + "S"


def _parse(stamp: str) -> datetime:
    return datetime.fromisoformat(stamp.replace("Z", "+00:00"))


def _seconds_between(start: str, end: str) -> float:
    return max(0.0, (_parse(end) - _parse(start)).total_seconds())


class StatementBuilder:
    """Builds the statements of one stored attempt (``RecordStore.attempt`` + ``.commands``)."""

    def __init__(
        self,
        row: dict,
        commands: list[dict],
        *,
        iri_base: str,
        homepage: str,
        result_hash: str | None = None,
        language: str | None = None,
    ) -> None:
        """``language``: the trainee's (``en``, ``es``; default the current language), the
        statements' ``context.language``."""
        self.row = row
        self.result_hash = result_hash
        self.commands = commands
        self.base = iri_base.rstrip("/")
        self.homepage = homepage
        self._times = [c["t_s"] for c in commands]
        self.language = language_tag(language)

    # ------------------------------------------------------------------ pieces
    def ext(self, name: str) -> str:
        """The IRI of one of Marrowsim's extensions."""
        return f"{self.base}/xapi/ext/{name}"

    def actor(self) -> dict:
        """The trainee as an Agent identified by account."""
        return {
            "objectType": "Agent",
            "account": {"homePage": self.homepage, "name": self.row["trainee_id"]},
        }

    def scenario_activity(self) -> dict:
        """The scenario as an Activity (the attempt's parent)."""
        return {
            "objectType": "Activity",
            "id": f"{self.base}/scenario/{self.row['scenario_id']}",
            "definition": {
                "name": self.scenario_name(),
                "type": ACTIVITY_TYPES + "simulation",
            },
        }

    def scenario_name(self) -> dict[str, str]:
        """The scenario's title in each language it has (its ``[i18n.<code>]`` table)."""
        scenario = self.row.get("scenario") or {}
        title = scenario.get("title", self.row["scenario_id"])
        names = {"en-US": title}
        for lang, given in (scenario.get("i18n") or {}).items():
            if lang in LANGUAGES and isinstance(given, dict) and given.get("title"):
                names[LANGUAGE_TAGS[lang]] = given["title"]
        return names

    def penetration_name(self, pen: dict) -> dict[str, str]:
        """``Bone penetration 2 (left PSIS)`` in each language offered."""
        code = str(pen.get("landmark", "unknown"))
        where = LANDMARK_NAMES.get(code, code.replace("_", " "))
        template = N_("Bone penetration {n} ({where})")
        return {
            tag: translate(template, lang).format(n=pen["n"], where=translate(where, lang))
            for lang, tag in LANGUAGE_TAGS.items()
        }

    def penetration_activity(self, pen: dict) -> dict:
        """One bone penetration as an Activity."""
        where = str(pen.get("landmark", "unknown")).replace("_", "-")
        return {
            "objectType": "Activity",
            "id": f"{self.base}/scenario/{self.row['scenario_id']}/site/{where}"
            f"/penetration/{pen['n']}",
            "definition": {
                "name": self.penetration_name(pen),
                "type": ACTIVITY_TYPES + "interaction",
            },
        }

    def context(self, *, parent: bool) -> dict:
        """Registration, platform, extensions and context activities."""
        ctx: dict[str, Any] = {
            "registration": self.row["id"],
            "platform": f"Marrowsim {__version__}",
            "language": self.language,
            "extensions": {
                self.ext("mode"): self.row["mode"],
                self.ext("seed"): self.row["seed"],
                self.ext("scenario-version"): self.row["scenario_version"],
                self.ext("station"): self.row["station"],
            },
        }
        activities: dict[str, list] = {}
        if parent:
            activities["parent"] = [self.scenario_activity()]
        if self.row.get("assessment_id"):
            activities["grouping"] = [
                {
                    "objectType": "Activity",
                    "id": f"{self.base}/assessment/{self.row['assessment_id']}",
                }
            ]
        if activities:
            ctx["contextActivities"] = activities
        return ctx

    def wall_at(self, t_s: float) -> str:
        """The wall-clock time of the command that was running at simulated time ``t_s``."""
        if not self.commands:
            return self.row["started"]
        i = max(0, bisect.bisect_right(self._times, t_s) - 1)
        return self.commands[i]["wall"]

    def end_time(self) -> str:
        """When the attempt ended (its last command, if it never finished)."""
        if self.row.get("ended"):
            return self.row["ended"]
        return self.commands[-1]["wall"] if self.commands else self.row["started"]

    # ------------------------------------------------------------------ statements
    def penetration(self, pen: dict) -> dict:
        """The attempted/interacted statement of one bone penetration."""
        pulls = pen.get("pulls", [])
        ml = sum(p[0] for p in pulls)
        tnc = sum(p[1] for p in pulls)
        result: dict[str, Any] = {
            "success": not any(f in CRITICAL_FLAGS for f in pen.get("flags", [])),
            "extensions": {
                self.ext("pull-ml"): round(ml, 3),
                self.ext("pulls"): len(pulls),
                self.ext("max-pull-ml"): round(max((p[0] for p in pulls), default=0.0), 3),
                self.ext("tnc"): int(tnc),
                self.ext("tnc-per-ml"): round(tnc / ml) if ml else 0,
                self.ext("depth-mm"): pen.get("depth_mm"),
                self.ext("sim-time-s"): pen.get("t_s"),
                self.ext("flags"): list(pen.get("flags", [])),
            },
        }
        return {
            "actor": self.actor(),
            "verb": verb("attempted" if pulls else "interacted"),
            "object": self.penetration_activity(pen),
            "result": result,
            "context": self.context(parent=True),
            "timestamp": self.wall_at(pen.get("t_s", 0.0)),
        }

    def outcome(self) -> dict | None:
        """passed, failed or completed; None for an incomplete attempt."""
        row = self.row
        if row["status"] == "incomplete":
            return None
        metrics = row.get("metrics") or {}
        # The attempt's duration is the procedure's (simulated) time, which for a headless run
        # is an hour even though the run took a fraction of a second; the session's wall-clock
        # time goes on the terminated statement.
        seconds = metrics.get("procedure_s")
        if not isinstance(seconds, (int, float)):
            seconds = _seconds_between(row["started"], self.end_time())
        duration = iso_duration(float(seconds))
        ctx = self.context(parent=False)
        if self.result_hash:
            ctx["extensions"][self.ext("result-sha256")] = self.result_hash
        result: dict[str, Any] = {
            "completion": True,
            "duration": duration,
            "extensions": {
                self.ext("collected-ml"): metrics.get("collected_ml"),
                self.ext("tnc-per-kg-recipient"): metrics.get("tnc_per_kg_recipient"),
                self.ext("critical-errors"): list(row.get("critical_errors") or []),
                self.ext("criteria"): [
                    {k: c.get(k) for k in ("id", "score", "max")} for c in row.get("criteria") or []
                ],
            },
        }
        if row.get("score_total") is None or row.get("passed") is None:
            name = "completed"
        else:
            maximum = float(row.get("score_max") or 100.0)
            raw = min(max(float(row["score_total"]), 0.0), maximum)
            result["score"] = {
                "scaled": round(raw / maximum, 4),
                "raw": raw,
                "min": 0,
                "max": maximum,
            }
            result["success"] = bool(row["passed"])
            if row.get("minimum_passing") is not None:
                ctx["extensions"][CMI5_MASTERY] = round(float(row["minimum_passing"]) / 100.0, 4)
            name = "passed" if row["passed"] else "failed"
        return {
            "actor": self.actor(),
            "verb": verb(name),
            "object": self.scenario_activity(),
            "result": result,
            "context": ctx,
            "timestamp": self.end_time(),
        }

    def session(self, name: str, timestamp: str, result: dict | None = None) -> dict:
        """An initialized or terminated statement."""
        out = {
            "actor": self.actor(),
            "verb": verb(name),
            "object": self.scenario_activity(),
            "context": self.context(parent=False),
            "timestamp": timestamp,
        }
        if result:
            out["result"] = result
        return out

    def build(self, summary: dict) -> list[dict]:
        """All statements of the attempt, in order, with ids and the xAPI version."""
        body = [self.session("initialized", self.row["started"])]
        body += [self.penetration(p) for p in summary.get("penetrations", [])]
        outcome = self.outcome()
        if outcome is not None:
            body.append(outcome)
        duration = iso_duration(_seconds_between(self.row["started"], self.end_time()))
        body.append(self.session("terminated", self.end_time(), {"duration": duration}))
        for i, statement in enumerate(body):
            statement["id"] = statement_id(self.row["id"], i)
            statement["version"] = XAPI_VERSION
        return body


def attempt_statements(store: Any, attempt_id: str, *, iri_base: str, homepage: str) -> list[dict]:
    """The statements of one stored attempt (an incomplete one is replayed for its events)."""
    row = store.attempt(attempt_id)
    commands = store.commands(attempt_id)
    summary = row.get("summary")
    if summary is None:
        summary = summarize(replay_stored_attempt(store, attempt_id).sim.events)
    builder = StatementBuilder(
        row,
        commands,
        iri_base=iri_base,
        homepage=homepage,
        result_hash=store.result_hash(attempt_id),
    )
    return builder.build(summary)
