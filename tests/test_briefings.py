"""Every number a scenario tells the trainee is recomputed from the scenario itself.

The briefing, the objectives and the scripted events' messages are prose typed into the scenario
files, so a number in them can drift from the scenario's own data (a weight, a target, a limit)
or from the model (the soft-tissue depth, the needle's length).  Each number quoted there is
listed below with what it says, and recomputed: the quoted figure must be the recomputed one,
rounded as printed.  A number no entry explains fails the test, so a new sentence with a number
needs an entry here.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import pytest

from sim.model.parameters import table
from sim.scenario.loader import ScenarioLibrary
from sim.scenario.schema import Scenario
from sim.vocabulary.technique import Thresholds

#: A number as printed: ``1,050``, ``2.5``, ``1.44 x 10^10`` (one number), ``3-4`` (two).
NUMBER = re.compile(r"(?<![\w.])(\d[\d,]*(?:\.\d+)?)(?: x 10\^(\d+))?")
T = Thresholds()
Compute = Callable[[Scenario], float]


@dataclass(frozen=True)
class Quote:
    """A pattern that finds a quoted number (its first group) and what it must equal."""

    pattern: str
    value: Compute
    what: str


def recipient_kg(s: Scenario) -> float:
    return s.recipient.weight_kg


def donor_kg(s: Scenario) -> float:
    return s.donor.weight_kg


def limit_per_kg(s: Scenario) -> float:
    return s.targets.donor_limit_ml_per_kg


def event(s: Scenario, event_id: str):
    return next(e for e in s.events if e.id == event_id)


#: Numbers any scenario may quote.
COMMON = (
    Quote(r"(\d+)-year-old", lambda s: s.donor.age_years, "donor age"),
    Quote(r"(?:woman|man|girl|boy) \((\d+) kg", donor_kg, "donor weight"),
    Quote(r"\(\d+ kg, (\d+) cm\)", lambda s: s.donor.resolved_height_cm, "donor height"),
    Quote(r"BMI of (\d+)", lambda s: s.donor.to_donor().bmi, "donor BMI"),
    Quote(r"\((\d+) kg\) is donating", donor_kg, "donor weight"),
    Quote(r"for (?:his|her) (\d+) kg", recipient_kg, "recipient weight"),
    Quote(
        r"about (\d+) mL per kg of recipient weight",
        lambda s: s.target_volume_ml / s.recipient.weight_kg,
        "target volume per kg recipient",
    ),
    Quote(
        r"at least (\S+ x 10\^\d+) nucleated cells\s+per kg",
        lambda s: s.targets.tnc_per_kg_recipient,
        "TNC target per kg recipient",
    ),
    Quote(
        r"(\d+) mL per kg of the child's weight",
        limit_per_kg,
        "donor limit per kg donor",
    ),
    Quote(r"\((?:about )?(\d+) degrees lateral", lambda s: T.ideal_lateral_deg, "ideal aim"),
    Quote(r"\((\d+) mL or less\)", lambda s: T.pull_good_ml, "small pull"),
    Quote(r"at most (\d+) mL from each bone entry", lambda s: T.penetration_ok_ml, "per entry"),
    Quote(r"(\d+)-\d+ skin sites", lambda s: s.sites.min, "fewest sites"),
    Quote(r"\d+-(\d+) skin sites", lambda s: s.sites.max, "most sites"),
)

PER_SCENARIO: dict[str, tuple[Quote, ...]] = {
    "adult-standard": (
        Quote(r"\(([\d,]+) mL\)", lambda s: s.target_volume_ml, "target volume"),
        Quote(
            r"at least (\S+ x 10\^\d+) nucleated cells and",
            lambda s: s.targets.tnc_per_kg_recipient,
            "TNC target",
        ),
        Quote(
            r"and (\S+ x 10\^\d+) CD34\+ cells per kg",
            lambda s: s.targets.cd34_per_kg_recipient,
            "CD34+ target",
        ),
    ),
    "anesthesia-event": (
        Quote(
            r"within (\d+) seconds",
            lambda s: event(s, "hypotension").require[0].within_s,
            "response deadline",
        ),
    ),
    "anterior-crest": (
        Quote(
            r"About (\d+) cm of fat lie over her PSIS",
            lambda s: s.donor.to_donor().soft_tissue_mm / 10,
            "skin-to-PSIS depth",
        ),
        Quote(
            r"at least (\d+) cm behind the ASIS",
            lambda s: table("anatomy").anterior_site_min_mm / 10,
            "anterior site distance",
        ),
        Quote(
            r"under about (\d+) cm of fat",
            lambda s: (
                s.donor.to_donor().soft_tissue_mm * table("anatomy").anterior_soft_tissue_ratio / 10
            ),
            "skin-to-crest depth",
        ),
    ),
    "dry-tap": (
        Quote(r"more than (\d+) mm away", lambda s: s.donor.dry_tap_zone().radius_mm, "zone"),
        Quote(
            r"under (\S+ x 10\^\d+) nucleated cells per mL",
            lambda s: event(s, "thin-aspirate").trigger.below,
            "thin-aspirate trigger",
        ),
    ),
    "obese-donor": (
        Quote(
            r"bone (\d+) cm or more below the skin",
            lambda s: s.donor.to_donor().soft_tissue_mm / 10,
            "skin-to-bone depth",
        ),
        Quote(
            r"about (\d+) cm under\s+the skin",
            lambda s: s.donor.to_donor().soft_tissue_mm / 10,
            "skin-to-bone depth",
        ),
        Quote(
            r"the needle is (\d+) cm long",
            lambda s: table("needle").length_mm / 10,
            "needle length",
        ),
    ),
    "pediatric-donor": (
        Quote(r"limit is (\d+) mL per kg", limit_per_kg, "limit per kg"),
        Quote(r"(\d+) mL in all", lambda s: s.donor_limit_ml, "limit"),
        Quote(r"over\s+(\d+) mL/kg in children", limit_per_kg, "Styczynski's 20 mL/kg"),
        Quote(
            r"needs at least (\S+ x 10\^\d+) nucleated cells",
            lambda s: s.targets.tnc_per_kg_recipient,
            "TNC target",
        ),
        Quote(
            r"about (\d+) cm under the skin",
            lambda s: s.donor.to_donor().soft_tissue_mm / 10,
            "skin-to-bone depth",
        ),
        Quote(
            r"bag is at (\d+) mL/kg",
            lambda s: event(s, "near-limit").trigger.above,
            "near-limit trigger",
        ),
        Quote(r"limit is (\d+) mL/kg \(", limit_per_kg, "limit per kg"),
        Quote(r"mL/kg \((\d+) mL\)", lambda s: s.donor_limit_ml, "limit"),
    ),
    "post-procedure-care": (
        Quote(
            r"every (\d+) minutes",
            lambda s: s.care.observation_interval_min,
            "observation interval",
        ),
        Quote(
            r"blood pressure (\d+)/\d+ mmHg",
            lambda s: event(s, "bolus").later.donor_state["systolic_mmhg"],
            "systolic after the bolus",
        ),
        Quote(
            r"blood pressure \d+/(\d+) mmHg",
            lambda s: event(s, "bolus").later.donor_state["diastolic_mmhg"],
            "diastolic after the bolus",
        ),
        Quote(
            r"heart rate (\d+), and",
            lambda s: event(s, "bolus").later.donor_state["heart_rate_bpm"],
            "heart rate after the bolus",
        ),
    ),
    "next-day-visit": (
        Quote(
            r"\((\d+\.\d) °C here\)", lambda s: s.care.fever_threshold_c, "local fever threshold"
        ),
    ),
    "weight-mismatch": (
        Quote(r"limit is (\d+) mL/kg", limit_per_kg, "limit per kg"),
        Quote(r"which is ([\d,]+) mL", lambda s: s.donor_limit_ml, "limit"),
        Quote(
            r"needs at least (\S+ x 10\^\d+) nucleated cells",
            lambda s: s.targets.tnc_per_kg_recipient,
            "TNC target",
        ),
        Quote(
            r"(\S+ x 10\^\d+) in all",
            lambda s: s.targets.tnc_per_kg_recipient * s.recipient.weight_kg,
            "TNC in all",
        ),
        Quote(r"planned (\d+) mL", lambda s: s.target_volume_ml, "target volume"),
        Quote(
            r"needs (\S+ x 10\^\d+)\s+cells per mL",
            lambda s: s.targets.tnc_per_kg_recipient * s.recipient.weight_kg / s.target_volume_ml,
            "TNC/mL the target volume needs",
        ),
        Quote(
            r"at her limit (\S+ x 10\^\d+) per mL",
            lambda s: s.targets.tnc_per_kg_recipient * s.recipient.weight_kg / s.donor_limit_ml,
            "TNC/mL at the donor limit",
        ),
        Quote(
            r"count at (\d+) mL",
            lambda s: event(s, "midway-count").trigger.collected_ml,
            "midway-count trigger",
        ),
        Quote(
            r"now that (\d+) mL",
            lambda s: event(s, "midway-count").trigger.collected_ml,
            "midway-count trigger",
        ),
        Quote(
            r"bag is at (\d+) mL/kg",
            lambda s: event(s, "near-limit").trigger.above,
            "near-limit trigger",
        ),
        Quote(r"\(limit (\d+) mL/kg", limit_per_kg, "limit per kg"),
        Quote(r"mL/kg, ([\d,]+) mL\)", lambda s: s.donor_limit_ml, "limit"),
    ),
}


def texts(s: Scenario) -> str:
    """Everything the trainee reads about a scenario, one paragraph per text."""
    parts = [" ".join(s.briefing.split()), *s.objectives]
    for ev in s.events:
        parts.append(ev.message)
        for effect in (ev.after_response, ev.after_miss, ev.later):
            if effect is not None and effect.message:
                parts.append(effect.message)
    return "\n".join(parts)


def parse(number: str) -> tuple[float, float]:
    """A printed number and half its last printed digit (the rounding it allows)."""
    m = NUMBER.fullmatch(number)
    assert m, number
    mantissa, exponent = m.group(1).replace(",", ""), m.group(2)
    decimals = len(mantissa.split(".")[1]) if "." in mantissa else 0
    scale = 10.0 ** int(exponent) if exponent else 1.0
    return float(mantissa) * scale, 0.5 * 10.0**-decimals * scale


SCENARIOS = {s.id: s for s in ScenarioLibrary().scenarios()}


@pytest.mark.parametrize("sid", sorted(SCENARIOS))
def test_every_quoted_number_is_recomputed_from_the_scenario(sid):
    s = SCENARIOS[sid]
    text = texts(s)
    covered: set[int] = set()
    for quote in COMMON + PER_SCENARIO.get(sid, ()):
        for m in re.finditer(quote.pattern, text):
            value, half_digit = parse(m.group(1))
            expected = quote.value(s)
            assert abs(value - expected) <= half_digit * (1 + 1e-9), (
                f"{sid}: '{m.group(0)}' quotes {m.group(1)} for the {quote.what}; "
                f"the scenario gives {expected:g}"
            )
            covered.update(range(m.start(1), m.end(1)))
    for m in NUMBER.finditer(text):
        assert m.start() in covered, (
            f"{sid}: the number {m.group(0)!r} in '{text[max(0, m.start() - 40) : m.end() + 40]}'"
            " is not explained: add it to tests/test_briefings.py"
        )


def test_every_scenario_specific_entry_finds_its_number():
    for sid, quotes in PER_SCENARIO.items():
        text = texts(SCENARIOS[sid])
        for quote in quotes:
            assert re.search(quote.pattern, text), f"{sid}: no '{quote.pattern}'"


def test_the_old_mistakes_would_be_caught():
    # The weight-mismatch brief once said 18x10^6/mL, where 1.44x10^10 / 960 mL = 15x10^6/mL.
    s = SCENARIOS["weight-mismatch"]
    quote = next(q for q in PER_SCENARIO["weight-mismatch"] if "cells per mL" in q.pattern)
    value, half = parse("18 x 10^6")
    assert abs(value - quote.value(s)) > half
