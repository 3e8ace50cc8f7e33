"""The skills-lab length of a harvest scenario: the same case, a proportionally smaller harvest.

A full adult harvest is about 100 bone penetrations and 300 pulls; even with practised gestures it
takes a trainee about 14 minutes of real time, more than a skills-lab station allows beside the
briefing and debrief (slots are 20-30 minutes).  The skills-lab length keeps everything that is
judged (the donor, the anatomy, the sites, the rubric and every technique threshold) and scales
only what sets the amount of work: the target volume, the cell dose and CD34+ dose, the time par
and limit, and the scripted events that fire at a volume or a time.  Nothing about technique is
shortened, so poor technique cannot score as good; an attempt stores its length with its scenario
(``Scenario.length``), and the debrief, the records and the reports show it.
"""

from __future__ import annotations

from sim.errors import InputError
from sim.i18n import _
from sim.scenario.schema import LENGTHS, Scenario

#: Share of the full target a skills-lab attempt collects.  Assumption (no source sets it): 40%
#: still asks for about 40 bone penetrations at 10 mL each (spread, depth and pull technique are
#: all exercised many times), and the simulated trainee finishes it in about 6 minutes of real
#: time, within the 10-minute target (bench/RESULTS.md).
SKILLS_LAB_FRACTION = 0.4
#: Spellings the command line and the window accept for each length.
LENGTH_NAMES = {"full": "full", "skills_lab": "skills_lab", "skills-lab": "skills_lab"}
LABELS = {"full": "full length", "skills_lab": "skills-lab length"}


def parse_length(text: str) -> str:
    """A length from user input ('full', 'skills-lab'), or a one-line error."""
    try:
        return LENGTH_NAMES[text]
    except KeyError:
        raise InputError(
            _("unknown length {length!r} (expected full or skills-lab)").format(length=text),
            field="length",
        ) from None


def at_length(scenario: Scenario, length: str) -> Scenario:
    """``scenario`` at ``length``; a full scenario is returned as it is."""
    if length not in LENGTHS:
        raise InputError(_("unknown length {length!r}").format(length=length), field="length")
    if length == scenario.length:
        return scenario
    if scenario.length != "full":
        raise InputError(_("only a full-length scenario can be shortened"), field="length")
    if scenario.kind != "harvest":
        raise InputError(
            _("scenario {id!r} has no harvest to shorten (a {kind} scenario)").format(
                id=scenario.id, kind=_(scenario.kind)
            ),
            field="length",
        )
    f = SKILLS_LAB_FRACTION
    data = scenario.model_dump(mode="json")
    data["length"] = length
    targets = data["targets"]
    targets["volume_ml"] = round(scenario.target_volume_ml * f, 3)
    targets["volume_ml_per_kg_recipient"] = None
    targets["tnc_per_kg_recipient"] = scenario.targets.tnc_per_kg_recipient * f
    if scenario.targets.cd34_per_kg_recipient is not None:
        targets["cd34_per_kg_recipient"] = scenario.targets.cd34_per_kg_recipient * f
    data["time"] = {"par_s": scenario.time.par_s * f, "limit_s": scenario.time.limit_s * f}
    for ev in data["events"]:
        trigger = ev["trigger"]
        for key in ("at_s", "collected_ml"):
            if trigger.get(key) is not None:
                trigger[key] = trigger[key] * f
        if trigger.get("metric") in EXTENSIVE_METRICS:
            for key in ("above", "below"):
                if trigger.get(key) is not None:
                    trigger[key] = trigger[key] * f
    data["briefing"] = (
        f"Skills-lab length: this attempt collects {f:.0%} of the full harvest, "
        f"{targets['volume_ml']:,.0f} mL and "
        f"{targets['tnc_per_kg_recipient'] / 1e8:.2g} x 10^8 nucleated cells per kg of recipient, "
        f"with {f:.0%} of the time. Technique is judged exactly as in the full case below.\n\n"
        + scenario.briefing
    )
    return Scenario.model_validate(data)


#: Metrics that grow with the amount harvested: their trigger levels scale with the length.
EXTENSIVE_METRICS = frozenset(
    {
        "collected_ml",
        "tnc_total",
        "cd34_total",
        "marrow_ml",
        "bone_penetrations",
        "aspirations",
        "procedure_s",
    }
)
