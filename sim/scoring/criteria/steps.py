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

from sim.i18n import N_
from sim.scenario.schema import PROCEDURE_STEPS
from sim.scoring.context import ScoringContext
from sim.scoring.metrics import AttemptMetrics
from sim.scoring.result import Judgement
from sim.scoring.text import clamp01, ml, words

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
    "time_out": N_("the time-out (donor identity check)"),
    "skin_prep": N_("the skin prep and drapes"),
    "local_anaesthetic": N_("the local anaesthetic"),
    "heparin_iv": N_("IV heparin at induction"),
    "acd_in_bag": N_("ACD-A in the bag"),
    "filter_product": N_("mixing and filtering the product"),
    "sample_and_label": N_("sampling and labelling the product"),
    "product_disposition": N_("sending the product for infusion or freezing"),
    "sharps_count": N_("the needle and sharps count"),
    "heparinise_syringes": N_("heparinising the syringes"),
    "cell_count": N_("the midway cell count"),
    "stop_criteria": N_("the stop criteria"),
    "pressure_dressing": N_("the pressure dressing"),
    "steri_strips": N_("Steri-Strips on each site"),
    "recovery_observations": N_("recovery observations"),
    "discharge_teaching": N_("discharge teaching"),
}
QUALITY_WEIGHT = 0.8
ORDER_WEIGHT = 0.2
#: Credit left for a step done at the wrong moment, or with the wrong count or reason.
FLAWED_CREDIT = 0.5
WRONG_COUNT_CREDIT = 0.25


#: Why a stop reason did not hold, in words, for each reason the stop_criteria step takes.
STOP_REASON_NOT_MET = {
    "target_volume_reached": N_("the bag had not reached the target volume."),
    "target_cell_dose_reached": N_("the last cell count did not show the target dose."),
    "donor_volume_limit": N_("the bag was still below the donor's mL/kg limit."),
    "time_limit": N_("the procedure was still within its time limit."),
    "donor_condition": N_("no change in the donor's condition had been reported."),
}

# The feedback, one template per sentence (sim/scoring/phrases.py shows them translated).
NOT_ASSESSED = N_("Not assessed: this scenario requires no procedure steps.")
NOT_DONE = N_("Not done: {steps}.")
#: The steps in the order done (WORDS, joined with THEN).
OUT_OF_ORDER = N_("Out of order: you did {steps}.")
THEN = N_(", then ")
ALL_DONE = N_("All {n} required steps done properly, in order.")
TIME_OUT_LATE = N_("The time-out came after the first skin puncture.")
TIME_OUT_NO_IDENTITY = N_("The time-out did not check the donor's identity.")
SYRINGES_LATE = N_("The syringes were heparinised after the first pull (clotting risk).")
PREP_LATE = N_("The skin was prepared after the first puncture in that position.")
NOT_DRAPED = N_("The field was not draped: prepare and drape before the first puncture.")
LIDOCAINE_OVER = N_("The lidocaine dose ({mg} mg/kg) was over the maximum for this donor's weight.")
ANAESTHETIC_LATE = N_("The local anaesthetic came after the first puncture.")
HEPARIN_DOSE = N_(
    "IV heparin was {units} U/kg; the protocol gives 50 U/kg at induction (alpfmedical.info)."
)
HEPARIN_LATE = N_("IV heparin came after the first puncture, not at induction.")
ACD_RATIO = N_("The bag had {ml} mL of ACD-A for an expected {expected}: the protocol is 1:10.")
ACD_LATE = N_("ACD-A went into the bag after marrow was already in it.")
FILTERED_EARLY = N_("The product was filtered before collection had been stopped.")
LABEL_NO_IDENTITY = N_(
    "The product was labelled without the donor's identity: the chain of custody breaks there."
)
LABEL_LEFT_OUT = N_("The label left out: {items}.")
DISPOSITION_WRONG = N_("The product went for {decision}, but the recipient's plan is {plan}.")
SHARPS_MISMATCH = N_("The sharps count ({counted}) did not match the needles opened ({opened}).")
COUNT_WHEN = N_(
    "The cell count was taken at {bag}; take it midway (about {midway}), in time to change course."
)
#: An unjustified stop: the reason given, and why it did not hold (STOP_REASON_NOT_MET).
STOPPED_FOR = N_("You stopped for '{reason}', but {why}")
STOP_NOT_THE_CASE = N_("that was not the case at the time.")
DRESSING_FIRST = N_(
    "The pressure dressing went on before the Steri-Strips: a strip goes over each harvest site "
    "first, and the large dressing over them (seed text; St. Jude)."
)
STRIPS_COUNT = N_(
    "You applied {count} Steri-Strips for {expected} skin sites: one goes over each harvest site."
)
OBSERVATIONS_LEFT_OUT = N_("Recovery observations left out: {items}.")
TEACHING_LEFT_OUT = N_("Discharge teaching left out: {items}.")
FEVER_WRONG = N_(
    "The fever threshold you taught ({taught} C) is not your local policy's ({policy} C): she "
    "would call too late or not at all."
)
#: Why a nursing attempt fails (Judgement.fails_attempt): the donor sent home unsafe.
NO_TEACHING = N_(
    "The donor went home without discharge teaching (signs of infection, when to call)."
)
WRONG_FEVER = N_("The donor was taught the wrong fever threshold, so would not call in time.")
#: The safety items left out (SAFETY_TEACHING as words, joined with AND).
UNSAFE_TEACHING = N_(
    "Discharge teaching left out {items}: the donor could not spot or report an infection."
)
AND = N_(" and ")
DRESSING_BEFORE_STRIPS = N_(
    "The pressure dressing went on before the Steri-Strips over the harvest sites."
)
PHRASES = (
    NOT_ASSESSED,
    NOT_DONE,
    OUT_OF_ORDER,
    ALL_DONE,
    TIME_OUT_LATE,
    TIME_OUT_NO_IDENTITY,
    SYRINGES_LATE,
    PREP_LATE,
    NOT_DRAPED,
    LIDOCAINE_OVER,
    ANAESTHETIC_LATE,
    HEPARIN_DOSE,
    HEPARIN_LATE,
    ACD_RATIO,
    ACD_LATE,
    FILTERED_EARLY,
    LABEL_NO_IDENTITY,
    LABEL_LEFT_OUT,
    DISPOSITION_WRONG,
    SHARPS_MISMATCH,
    COUNT_WHEN,
    STOPPED_FOR,
    DRESSING_FIRST,
    STRIPS_COUNT,
    OBSERVATIONS_LEFT_OUT,
    TEACHING_LEFT_OUT,
    FEVER_WRONG,
    NO_TEACHING,
    WRONG_FEVER,
    UNSAFE_TEACHING,
    DRESSING_BEFORE_STRIPS,
)
#: The reasons, items and decisions of the steps' commands as the sentences say them
#: (``words()`` of sim/vocabulary/commands.py's identifiers; tests/test_i18n_scoring.py checks
#: every one is here).
COMMAND_WORDS = (
    N_("target volume reached"),
    N_("target cell dose reached"),
    N_("donor volume limit"),
    N_("time limit"),
    N_("donor condition"),
    N_("donor identity"),
    N_("recipient identity"),
    N_("product"),
    N_("volume"),
    N_("time"),
    N_("samples"),
    N_("infuse fresh"),
    N_("cryopreserve"),
    N_("same day infusion"),
    N_("blood pressure"),
    N_("heart rate"),
    N_("spo2"),
    N_("temperature"),
    N_("respiratory rate"),
    N_("pain"),
    N_("dressing"),
    N_("signs of infection"),
    N_("fever threshold"),
    N_("when to call"),
    N_("dressing removal next day"),
    N_("pain relief"),
    N_("site care"),
    N_("activity"),
)
#: The values said in those sentences: the steps, why a stop did not hold, the commands' words.
TERMS = (*WORDS.values(), *STOP_REASON_NOT_MET.values(), STOP_NOT_THE_CASE, *COMMAND_WORDS)
#: The separators of the lists in those sentences.
SEPARATORS = (THEN, AND)


def word(step: str) -> str:
    return WORDS.get(step, words(step))


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
            notes.append(TIME_OUT_LATE)
        if ev.get("checks") is not None and "identity" not in ev["checks"]:
            q = min(q, FLAWED_CREDIT)
            notes.append(TIME_OUT_NO_IDENTITY)
    elif step == "heparinise_syringes":
        if not _flag(
            ev, "before_first_aspiration", m.first_pull_s is None or ev["t_s"] <= m.first_pull_s
        ):
            q = min(q, FLAWED_CREDIT)
            notes.append(SYRINGES_LATE)
    elif step == "skin_prep":
        if not _flag(ev, "before_first_puncture", True):
            q = min(q, FLAWED_CREDIT)
            notes.append(PREP_LATE)
        if ev.get("drape") is False:
            q = min(q, FLAWED_CREDIT)
            notes.append(NOT_DRAPED)
    elif step == "local_anaesthetic":
        if ev.get("within_max_dose") is False:
            q = min(q, WRONG_COUNT_CREDIT)
            notes.append(LIDOCAINE_OVER.format(mg=ev.get("mg_per_kg")))
        elif not _flag(ev, "before_first_puncture", True):
            q = min(q, FLAWED_CREDIT)
            notes.append(ANAESTHETIC_LATE)
    elif step == "heparin_iv":
        if ev.get("dose_as_protocol") is False:
            q = min(q, FLAWED_CREDIT)
            notes.append(HEPARIN_DOSE.format(units=ev.get("units_per_kg")))
        if not _flag(ev, "before_first_puncture", True):
            q = min(q, FLAWED_CREDIT)
            notes.append(HEPARIN_LATE)
    elif step == "acd_in_bag":
        if ev.get("ratio_as_protocol") is False:
            q = min(q, FLAWED_CREDIT)
            expected = ml(10 * float(ev.get("expected_ml", 0)))
            notes.append(ACD_RATIO.format(ml=ev.get("ml"), expected=expected))
        if not _flag(ev, "before_first_aspiration", True):
            q = min(q, FLAWED_CREDIT)
            notes.append(ACD_LATE)
    elif step == "filter_product":
        if ev.get("after_collection") is False:
            q = min(q, FLAWED_CREDIT)
            notes.append(FILTERED_EARLY)
    elif step == "sample_and_label":
        missing = ev.get("missing") or []
        if "donor_identity" in missing:
            q = min(q, WRONG_COUNT_CREDIT)
            notes.append(LABEL_NO_IDENTITY)
        elif missing:
            q = min(q, FLAWED_CREDIT)
            notes.append(LABEL_LEFT_OUT.format(items=", ".join(words(x) for x in missing)))
    elif step == "product_disposition":
        if ev.get("matches_plan") is False:
            q = 0.0
            notes.append(
                DISPOSITION_WRONG.format(
                    decision=words(str(ev.get("decision", ""))),
                    plan=words(str(ev.get("recipient_plan", ""))),
                )
            )
    elif step == "sharps_count":
        if ev.get("matches") is False:
            q = min(q, WRONG_COUNT_CREDIT)
            notes.append(
                SHARPS_MISMATCH.format(
                    counted=ev.get("needles_counted"), opened=ev.get("needles_opened")
                )
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
                COUNT_WHEN.format(bag=ml(float(bag)), midway=ml(0.5 * ctx.target_volume_ml))
            )
    elif step == "stop_criteria":
        if ev.get("justified") is False:
            q = min(q, FLAWED_CREDIT)
            reason = str(ev.get("reason", ""))
            notes.append(
                STOPPED_FOR.format(
                    reason=words(reason), why=STOP_REASON_NOT_MET.get(reason, STOP_NOT_THE_CASE)
                )
            )
    elif step == "pressure_dressing" and ev.get("over_steri_strips") is False:
        q = min(q, FLAWED_CREDIT)
        notes.append(DRESSING_FIRST)
    elif step == "steri_strips":
        expected = ev.get("skin_sites") or (
            ctx.handover_skin_sites if not ctx.needle_work else len(m.punctured_sites)
        )
        if expected and ev.get("count") is not None and int(ev["count"]) != int(expected):
            q = min(q, WRONG_COUNT_CREDIT)
            notes.append(STRIPS_COUNT.format(count=ev["count"], expected=expected))
    elif step in ("recovery_observations", "discharge_teaching"):
        key, required, left_out = (
            ("checks", ctx.observation_checks, OBSERVATIONS_LEFT_OUT)
            if step == "recovery_observations"
            else ("items", ctx.teaching_items, TEACHING_LEFT_OUT)
        )
        missing = _missing(ev, key, required)
        if missing:
            total = max(len(required), len(missing), 1)
            q = min(q, clamp01(1.0 - len(missing) / total))
            notes.append(left_out.format(items=", ".join(words(x) for x in missing)))
        if step == "discharge_teaching" and ev.get("fever_threshold_correct") is False:
            q *= FLAWED_CREDIT
            notes.append(
                FEVER_WRONG.format(
                    taught=ev.get("fever_threshold_c"), policy=ev.get("expected_fever_threshold_c")
                )
            )
    return q, notes


def judge(m: AttemptMetrics, ctx: ScoringContext) -> Judgement:
    required = [s for s in ctx.steps if s in PROCEDURE_STEPS]
    if not required:
        return Judgement.not_assessed(NOT_ASSESSED)
    first: dict[str, dict[str, Any]] = {}
    for ev in m.steps:
        first.setdefault(str(ev.get("step")), ev)
    if "discharge_teaching" in first:
        first["discharge_teaching"] = _teaching_so_far(m.steps)
    feedback: list[str] = []
    missing = [s for s in required if s not in first]
    if missing:
        feedback.append(NOT_DONE.format(steps=", ".join(word(s) for s in missing)))
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
        feedback.append(OUT_OF_ORDER.format(steps=THEN.join(word(s) for s in in_order)))
    if not feedback:
        feedback.append(ALL_DONE.format(n=len(required)))
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
        return NO_TEACHING
    if teaching.get("fever_threshold_correct") is False:
        return WRONG_FEVER
    if teaching.get("missing") is not None:  # the engine judged it against the scenario's list
        left_out = [x for x in SAFETY_TEACHING if x in teaching["missing"]]
    else:
        taught = set(teaching.get("items") or ())
        left_out = [x for x in SAFETY_TEACHING if x not in taught]
    if left_out:
        return UNSAFE_TEACHING.format(items=AND.join(words(x) for x in left_out))
    dressing = first.get("pressure_dressing")
    if dressing is not None and dressing.get("over_steri_strips") is False:
        return DRESSING_BEFORE_STRIPS
    return None
