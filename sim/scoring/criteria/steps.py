"""Procedure steps: the scenario's required steps, each done and done properly, in order.

Each required step earns a quality from 0 (not done) to 1 (done properly); what "properly" means
comes from the step's own event (sim/scenario/steps.py) and its sources:

* time-out: before the first puncture, checking the donor's identity (ACGME-style observation
  form, Khan & Mohyuddin 2012: 'time-out performed'; clinical.md §4);
* heparinised syringes: before the first pull (Royal Marsden 21.2; alpfmedical.info);
* cell count: midway, 25-80% of the target volume ('midway or at ~500 mL', alpfmedical.info);
* stop criteria: a reason the bag bears out (target volume, dose, donor limit...);
* Steri-Strips: one over each harvest site, under the pressure dressing (St. Jude; seed page);
* recovery observations and discharge teaching: every item the scenario lists, with the right
  fever threshold (seed page; clinical.md §3).

The criterion is 80% the mean step quality and 20% the order (pairs of done steps in the
canonical order: before the needle, during the harvest, after it), the order part scaled by the
share of steps done.
"""

from __future__ import annotations

from typing import Any

from sim.scenario.schema import PROCEDURE_STEPS
from sim.scoring.context import ScoringContext
from sim.scoring.metrics import AttemptMetrics
from sim.scoring.result import Judgement
from sim.scoring.text import clamp01, ml

#: The order the steps belong in: before the needle, during the harvest, after it.
CANONICAL_ORDER = (
    "time_out",
    "heparin_iv",
    "skin_prep",
    "local_anaesthetic",
    "heparinise_syringes",
    "acd_in_bag",
    "cell_count",
    "stop_criteria",
    "filter_product",
    "sample_and_label",
    "product_disposition",
    "sharps_count",
    "steri_strips",
    "pressure_dressing",
    "recovery_observations",
    "discharge_teaching",
)
WORDS = {
    "time_out": "the time-out (donor identity check)",
    "skin_prep": "the skin prep and drapes",
    "local_anaesthetic": "the local anaesthetic",
    "heparin_iv": "IV heparin at induction",
    "acd_in_bag": "ACD-A in the bag",
    "filter_product": "mixing and filtering the product",
    "sample_and_label": "sampling and labelling the product",
    "product_disposition": "sending the product for infusion or freezing",
    "sharps_count": "the needle and sharps count",
    "heparinise_syringes": "heparinising the syringes",
    "cell_count": "the midway cell count",
    "stop_criteria": "the stop criteria",
    "pressure_dressing": "the pressure dressing",
    "steri_strips": "Steri-Strips on each site",
    "recovery_observations": "recovery observations",
    "discharge_teaching": "discharge teaching",
}
QUALITY_WEIGHT = 0.8
ORDER_WEIGHT = 0.2
#: Credit left for a step done at the wrong moment, or with the wrong count or reason.
FLAWED_CREDIT = 0.5
WRONG_COUNT_CREDIT = 0.25


#: Why a stop reason did not hold, in words, for each reason the stop_criteria step takes.
STOP_REASON_NOT_MET = {
    "target_volume_reached": "the bag had not reached the target volume.",
    "target_cell_dose_reached": "the last cell count did not show the target dose.",
    "donor_volume_limit": "the bag was still below the donor's mL/kg limit.",
    "time_limit": "the procedure was still within its time limit.",
    "donor_condition": "no change in the donor's condition had been reported.",
}


def word(step: str) -> str:
    return WORDS.get(step, step.replace("_", " "))


def _inversions(order: list[str]) -> tuple[int, int]:
    rank = {s: i for i, s in enumerate(CANONICAL_ORDER)}
    idx = [rank.get(s, len(rank)) for s in order]
    pairs = len(idx) * (len(idx) - 1) // 2
    inv = sum(1 for i in range(len(idx)) for j in range(i + 1, len(idx)) if idx[i] > idx[j])
    return inv, pairs


def _flag(ev: dict[str, Any], key: str, fallback: bool) -> bool:
    value = ev.get(key)
    return fallback if value is None else bool(value)


def _missing(ev: dict[str, Any], key: str, required: tuple[str, ...]) -> list[str]:
    """The required items an event left out (its own ``missing`` list when it has one)."""
    if ev.get("missing") is not None:
        return [str(x) for x in ev["missing"]]
    if not required or ev.get(key) is None:
        return []
    given = set(ev[key])
    return [r for r in required if r not in given]


def step_quality(
    step: str, ev: dict[str, Any], m: AttemptMetrics, ctx: ScoringContext
) -> tuple[float, list[str]]:
    """How well one done step was done (0..1), and why not fully."""
    notes: list[str] = []
    q = 1.0
    if step == "time_out":
        if not _flag(
            ev,
            "before_first_puncture",
            m.first_puncture_s is None or ev["t_s"] <= m.first_puncture_s,
        ):
            q = min(q, FLAWED_CREDIT)
            notes.append("The time-out came after the first skin puncture.")
        if ev.get("checks") is not None and "identity" not in ev["checks"]:
            q = min(q, FLAWED_CREDIT)
            notes.append("The time-out did not check the donor's identity.")
    elif step == "heparinise_syringes":
        if not _flag(
            ev, "before_first_aspiration", m.first_pull_s is None or ev["t_s"] <= m.first_pull_s
        ):
            q = min(q, FLAWED_CREDIT)
            notes.append("The syringes were heparinised after the first pull (clotting risk).")
    elif step == "skin_prep":
        if not _flag(ev, "before_first_puncture", True):
            q = min(q, FLAWED_CREDIT)
            notes.append("The skin was prepared after the first puncture in that position.")
        if ev.get("drape") is False:
            q = min(q, FLAWED_CREDIT)
            notes.append("The field was not draped: prepare and drape before the first puncture.")
    elif step == "local_anaesthetic":
        if ev.get("within_max_dose") is False:
            q = min(q, WRONG_COUNT_CREDIT)
            notes.append(
                f"The lidocaine dose ({ev.get('mg_per_kg')} mg/kg) was over the maximum for "
                "this donor's weight."
            )
        elif not _flag(ev, "before_first_puncture", True):
            q = min(q, FLAWED_CREDIT)
            notes.append("The local anaesthetic came after the first puncture.")
    elif step == "heparin_iv":
        if ev.get("dose_as_protocol") is False:
            q = min(q, FLAWED_CREDIT)
            notes.append(
                f"IV heparin was {ev.get('units_per_kg')} U/kg; the protocol gives 50 U/kg at "
                "induction (alpfmedical.info)."
            )
        if not _flag(ev, "before_first_puncture", True):
            q = min(q, FLAWED_CREDIT)
            notes.append("IV heparin came after the first puncture, not at induction.")
    elif step == "acd_in_bag":
        if ev.get("ratio_as_protocol") is False:
            q = min(q, FLAWED_CREDIT)
            notes.append(
                f"The bag had {ev.get('ml')} mL of ACD-A for an expected "
                f"{ml(10 * float(ev.get('expected_ml', 0)))}: the protocol is 1:10."
            )
        if not _flag(ev, "before_first_aspiration", True):
            q = min(q, FLAWED_CREDIT)
            notes.append("ACD-A went into the bag after marrow was already in it.")
    elif step == "filter_product":
        if ev.get("after_collection") is False:
            q = min(q, FLAWED_CREDIT)
            notes.append("The product was filtered before collection had been stopped.")
    elif step == "sample_and_label":
        missing = ev.get("missing") or []
        if "donor_identity" in missing:
            q = min(q, WRONG_COUNT_CREDIT)
            notes.append(
                "The product was labelled without the donor's identity: the chain of "
                "custody breaks there."
            )
        elif missing:
            q = min(q, FLAWED_CREDIT)
            notes.append(
                "The label left out: " + ", ".join(x.replace("_", " ") for x in missing) + "."
            )
    elif step == "product_disposition":
        if ev.get("matches_plan") is False:
            q = 0.0
            plan = str(ev.get("recipient_plan", "")).replace("_", " ")
            notes.append(
                f"The product went for {str(ev.get('decision', '')).replace('_', ' ')}, but the "
                f"recipient's plan is {plan}."
            )
    elif step == "sharps_count":
        if ev.get("matches") is False:
            q = min(q, WRONG_COUNT_CREDIT)
            notes.append(
                f"The sharps count ({ev.get('needles_counted')}) did not match the needles opened "
                f"({ev.get('needles_opened')})."
            )
    elif step == "cell_count" and ctx.needle_work:
        bag = m.cell_counts[0].get("bag_ml") if m.cell_counts else ev.get("bag_ml")
        lo, hi = ctx.thresholds.cell_count_window
        if (
            bag is not None
            and not lo * ctx.target_volume_ml <= float(bag) <= hi * ctx.target_volume_ml
        ):
            q = min(q, FLAWED_CREDIT)
            notes.append(
                f"The cell count was taken at {ml(float(bag))}; take it midway (about "
                f"{ml(0.5 * ctx.target_volume_ml)}), in time to change course."
            )
    elif step == "stop_criteria":
        if ev.get("justified") is False:
            q = min(q, FLAWED_CREDIT)
            reason = str(ev.get("reason", ""))
            notes.append(
                f"You stopped for '{reason.replace('_', ' ')}', but "
                + STOP_REASON_NOT_MET.get(reason, "that was not the case at the time.")
            )
    elif step == "pressure_dressing" and ev.get("over_steri_strips") is False:
        q = min(q, FLAWED_CREDIT)
        notes.append(
            "The pressure dressing went on before the Steri-Strips: a strip goes over each "
            "harvest site first, and the large dressing over them (seed text; St. Jude)."
        )
    elif step == "steri_strips":
        expected = ev.get("skin_sites") or (
            ctx.handover_skin_sites if not ctx.needle_work else len(m.punctured_sites)
        )
        if expected and ev.get("count") is not None and int(ev["count"]) != int(expected):
            q = min(q, WRONG_COUNT_CREDIT)
            notes.append(
                f"You applied {ev['count']} Steri-Strips for {expected} skin sites: one goes over "
                "each harvest site."
            )
    elif step in ("recovery_observations", "discharge_teaching"):
        key, required, what = (
            ("checks", ctx.observation_checks, "Recovery observations")
            if step == "recovery_observations"
            else ("items", ctx.teaching_items, "Discharge teaching")
        )
        missing = _missing(ev, key, required)
        if missing:
            total = max(len(required), len(missing), 1)
            q = min(q, clamp01(1.0 - len(missing) / total))
            notes.append(
                f"{what} left out: " + ", ".join(x.replace("_", " ") for x in missing) + "."
            )
        if step == "discharge_teaching" and ev.get("fever_threshold_correct") is False:
            q *= FLAWED_CREDIT
            notes.append(
                f"The fever threshold you taught ({ev.get('fever_threshold_c')} C) is not your "
                f"local policy's ({ev.get('expected_fever_threshold_c')} C): she would call too "
                "late or not at all."
            )
    return q, notes


def judge(m: AttemptMetrics, ctx: ScoringContext) -> Judgement:
    required = [s for s in ctx.steps if s in PROCEDURE_STEPS]
    if not required:
        return Judgement.not_assessed("Not assessed: this scenario requires no procedure steps.")
    first: dict[str, dict[str, Any]] = {}
    for ev in m.steps:
        first.setdefault(str(ev.get("step")), ev)
    if "discharge_teaching" in first:
        first["discharge_teaching"] = _teaching_so_far(m.steps)
    feedback: list[str] = []
    missing = [s for s in required if s not in first]
    if missing:
        feedback.append("Not done: " + ", ".join(word(s) for s in missing) + ".")
    qualities = []
    for step in required:
        if step in first:
            q, notes = step_quality(step, first[step], m, ctx)
            qualities.append(q)
            feedback.extend(notes)
        else:
            qualities.append(0.0)
    quality = sum(qualities) / len(required)
    done_steps = [s for s in required if s in first]
    in_order = sorted(done_steps, key=lambda s: first[s]["t_s"])
    inv, pairs = _inversions(in_order)
    order = (1.0 - inv / pairs if pairs else 1.0) * len(done_steps) / len(required)
    if inv:
        feedback.append("Out of order: you did " + ", then ".join(word(s) for s in in_order) + ".")
    if not feedback:
        feedback.append(f"All {len(required)} required steps done properly, in order.")
    fraction = QUALITY_WEIGHT * quality + ORDER_WEIGHT * order
    return Judgement(
        fraction,
        feedback,
        parts={"steps": quality, "order": order},
        fails_attempt=None if ctx.needle_work else _unsafe_discharge(first),
    )


def _teaching_so_far(steps: list[dict[str, Any]]) -> dict[str, Any]:
    """Every ``discharge_teaching`` command together (one item per command or all in one score
    the same): the items taught over all of them, what is still missing after the last, and the
    fever threshold as last taught; timed at the first."""
    evs = [e for e in steps if e.get("step") == "discharge_teaching"]
    merged = dict(evs[0])
    items = list(dict.fromkeys(i for e in evs for i in (e.get("items") or ())))
    merged["items"] = items
    last = evs[-1]
    if last.get("missing") is not None:
        merged["missing"] = list(last["missing"])
    fever = [e for e in evs if e.get("fever_threshold_correct") is not None]
    if fever:
        for key in ("fever_threshold_c", "fever_threshold_correct", "expected_fever_threshold_c"):
            merged[key] = fever[-1].get(key)
    return merged


#: Discharge teaching without these leaves the donor unable to spot and report an infection.
SAFETY_TEACHING = ("signs_of_infection", "when_to_call")


def _unsafe_discharge(first: dict[str, dict[str, Any]]) -> str | None:
    """In a nursing scenario, care that would send the donor home unsafe fails the attempt."""
    teaching = first.get("discharge_teaching")
    if teaching is None:
        return "The donor went home without discharge teaching (signs of infection, when to call)."
    if teaching.get("fever_threshold_correct") is False:
        return "The donor was taught the wrong fever threshold, so would not call in time."
    if teaching.get("missing") is not None:  # the engine judged it against the scenario's list
        left_out = [x for x in SAFETY_TEACHING if x in teaching["missing"]]
    else:
        taught = set(teaching.get("items") or ())
        left_out = [x for x in SAFETY_TEACHING if x not in taught]
    if left_out:
        return (
            "Discharge teaching left out "
            + " and ".join(x.replace("_", " ") for x in left_out)
            + ": the donor could not spot or report an infection."
        )
    dressing = first.get("pressure_dressing")
    if dressing is not None and dressing.get("over_steri_strips") is False:
        return "The pressure dressing went on before the Steri-Strips over the harvest sites."
    return None
