"""Checks that a valid-looking scenario can actually be played (after the schema's own).

The schema (``sim.scenario.schema``) checks each field on its own; these look across fields
for files that parse but describe something impossible: a trigger that can never fire, a
vital sign no donor has, a target beyond the donor's limit, text with control characters.
Each problem names its field (``FieldError``), and the loader adds the file and line.
Kept apart from the schema so that the schema's own changes and these merge independently.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Iterator, Mapping

from sim.scenario.schema import SIMULATION_METRICS, FieldError, Scenario, Vitals

#: Longest time limit a scenario may set (a day), and the shortest par (a minute).
MAX_LIMIT_S = 86_400.0
MIN_PAR_S = 60.0
#: Largest scenario version (stored as an SQLite integer with every attempt).
MAX_VERSION = 1_000_000
#: Body mass index a donor can have (the schema's range for ``bmi``).
BMI_RANGE = (10.0, 70.0)
#: donor_state keys the simulation itself keeps (sim/scenario/engine.py ``refresh_state``).
ENGINE_STATE = ("hb_g_l", "blood_volume_drawn_pct")
#: Metrics that only grow from 0 (a ``below`` 0 never holds) and the bound each cannot pass.
NON_NEGATIVE = SIMULATION_METRICS


def _control(text: str, *, multiline: bool = False) -> bool:
    allowed = "\n\t" if multiline else ""
    return any(unicodedata.category(c) == "Cc" and c not in allowed for c in text)


def _finite_state(prefix: str, state: Mapping[str, object]) -> Iterator[FieldError]:
    """Numbers in a donor_state change must be finite and, for a vital sign, in its range."""
    fields = Vitals.model_fields
    for key, value in state.items():
        if not isinstance(value, float | int) or isinstance(value, bool):
            continue
        where = f"{prefix}.{key}"
        if not math.isfinite(value):
            yield FieldError(where, f"must be a finite number (got {value})")
            continue
        if key in fields:
            lo = hi = None
            for m in fields[key].metadata:
                lo = getattr(m, "ge", lo)
                hi = getattr(m, "le", hi)
            if (lo is not None and value < lo) or (hi is not None and value > hi):
                yield FieldError(where, f"{key} must be between {lo:g} and {hi:g} (got {value:g})")


def problems(s: Scenario) -> Iterator[FieldError]:
    """Every cross-field problem of a scenario, in file order."""
    if _control(s.title):
        yield FieldError("title", "control characters are not allowed in a title")
    for i, text in enumerate(s.objectives):
        if not text.strip():
            yield FieldError(f"objectives.{i}", "an objective must not be blank")
        elif _control(text):
            yield FieldError(f"objectives.{i}", "control characters are not allowed")
    if _control(s.briefing, multiline=True):
        yield FieldError("briefing", "control characters are not allowed (other than new lines)")
    if s.version > MAX_VERSION:
        yield FieldError("version", f"must be at most {MAX_VERSION} (got {s.version})")
    donor = s.donor
    bmi = donor.weight_kg / (donor.resolved_height_cm / 100.0) ** 2
    if not BMI_RANGE[0] <= bmi <= BMI_RANGE[1]:
        field = "donor.height_cm" if donor.height_cm is not None else "donor.weight_kg"
        yield FieldError(
            field,
            f"weight {donor.weight_kg:g} kg at height {donor.resolved_height_cm:g} cm is a BMI"
            f" of {bmi:.0f}, outside {BMI_RANGE[0]:g}-{BMI_RANGE[1]:g}",
        )
    if s.time.limit_s > MAX_LIMIT_S:
        yield FieldError(
            "time.limit_s", f"must be at most {MAX_LIMIT_S:g} s (got {s.time.limit_s:g})"
        )
    if s.time.par_s < MIN_PAR_S:
        yield FieldError("time.par_s", f"must be at least {MIN_PAR_S:g} s (got {s.time.par_s:g})")
    limit_ml = s.donor_limit_ml
    if s.kind == "harvest" and s.target_volume_ml >= limit_ml:
        yield FieldError(
            "targets.donor_limit_ml_per_kg",
            f"the donor limit ({limit_ml:g} mL) is below the target volume"
            f" ({s.target_volume_ml:g} mL): the harvest cannot be done",
        )
    state_keys = set(Vitals.model_fields) | set(ENGINE_STATE)
    for ev in s.events:
        state_keys |= set(ev.donor_state)
        for effect in (ev.after_response, ev.after_miss):
            if effect is not None:
                state_keys |= set(effect.donor_state)
    bounds = {
        "collected_ml": limit_ml,
        "procedure_s": s.time.limit_s,
        "skin_sites": float(s.sites.max),
        "max_pull_ml": 20.0,  # the syringe
    }
    for n, ev in enumerate(s.events):
        t, where = ev.trigger, f"events.{n}"
        if t.at_s is not None and t.at_s > s.time.limit_s:
            yield FieldError(
                f"{where}.trigger.at_s",
                f"never fires: {t.at_s:g} s is after the time limit ({s.time.limit_s:g} s)",
            )
        if t.collected_ml is not None and t.collected_ml > limit_ml:
            yield FieldError(
                f"{where}.trigger.collected_ml",
                f"never fires: {t.collected_ml:g} mL is over the donor limit ({limit_ml:g} mL)",
            )
        if t.metric is not None:
            if t.metric.startswith("donor_state."):
                key = t.metric.removeprefix("donor_state.")
                if key not in state_keys:
                    yield FieldError(
                        f"{where}.trigger.metric",
                        f"never fires: no vital sign or event sets donor_state {key!r}",
                    )
            if t.below is not None and t.metric in NON_NEGATIVE and t.below <= 0:
                yield FieldError(
                    f"{where}.trigger.below", f"never fires: {t.metric} is never below {t.below:g}"
                )
            bound = bounds.get(t.metric)
            if t.above is not None and bound is not None and t.above >= bound:
                yield FieldError(
                    f"{where}.trigger.above",
                    f"never fires: {t.metric} cannot go above {bound:g}",
                )
        for key, value in t.where.items():
            if isinstance(value, float) and not math.isfinite(value):
                yield FieldError(f"{where}.trigger.where.{key}", "must be a finite number")
        yield from _finite_state(f"{where}.donor_state", ev.donor_state)
        for name in ("after_response", "after_miss"):
            effect = getattr(ev, name)
            if effect is not None:
                yield from _finite_state(f"{where}.{name}.donor_state", effect.donor_state)
        for k, req in enumerate(ev.require):
            if req.within_s > s.time.limit_s:
                yield FieldError(
                    f"{where}.require.{k}.within_s",
                    f"{req.within_s:g} s is longer than the whole time limit"
                    f" ({s.time.limit_s:g} s)",
                )
        if _control(ev.message, multiline=True):
            yield FieldError(f"{where}.message", "control characters are not allowed")
    for lang, given in s.i18n.items():  # the translations, as their English
        yield from _translation_problems(f"i18n.{lang}", given)


def _translation_problems(where: str, given) -> Iterator[FieldError]:
    """Control characters in a translation (``[i18n.<lang>]``), and blank objectives."""
    if given.title is not None and _control(given.title):
        yield FieldError(f"{where}.title", "control characters are not allowed in a title")
    for i, text in enumerate(given.objectives or ()):
        if not text.strip():
            yield FieldError(f"{where}.objectives.{i}", "an objective must not be blank")
        elif _control(text):
            yield FieldError(f"{where}.objectives.{i}", "control characters are not allowed")
    texts: list[tuple[str, str | None]] = [(f"{where}.briefing", given.briefing)]
    for event_id, ev in given.events.items():
        texts.append((f"{where}.events.{event_id}.message", ev.message))
        for part in ("after_response", "after_miss", "later"):
            effect = getattr(ev, part)
            if effect is not None:
                texts.append((f"{where}.events.{event_id}.{part}.message", effect.message))
    if given.handover is not None:
        texts.append((f"{where}.handover.text", given.handover.text))
        for i, label in enumerate(given.handover.site_labels or ()):
            texts.append((f"{where}.handover.site_labels.{i}", label))
    for variant_id, v in given.variants.items():
        for name in ("title", "symptoms", "why"):
            texts.append((f"{where}.variants.{variant_id}.{name}", getattr(v, name)))
    for field, text in texts:
        if text is not None and _control(text, multiline=True):
            yield FieldError(field, "control characters are not allowed")


def check(s: Scenario) -> None:
    """Raise the first problem (a FieldError naming the field), if any."""
    for problem in problems(s):
        raise problem
