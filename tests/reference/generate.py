"""Generate the reference action scripts in this folder: expert, intermediate and novice.

The scripts are plain JSONL committed beside this file (``<scenario>-<level>.jsonl``); this
generator documents how they were made.  It drives a live attempt while it writes, the way a
trainee's hands and eyes would: it feels where the tip is (the tissue under it, a skid or a stall)
before pulling, reacts to what the scenario asks for (responses, with the level's delay), and
resolves state-dependent amounts (how far to withdraw to get the tip back into soft tissue) into
fixed numbers in the file.  Replaying a script therefore needs nothing from this module.

    python -m tests.reference.generate            # rewrite all scripts
    python -m tests.reference.generate obese      # only those whose name contains "obese"

Levels (docs/scoring.md, "Reference performances"):

* **expert**: four sites at the PSIS on both crests; tracks 18-30 deg lateral toward the ASIS,
  -4 to 24 deg cranial (17-21 deg for the obese donor); stops at the loss of resistance; three
  3.3 mL pulls per bone penetration, advancing 6 mm between them (<= 10 mL per penetration);
  every required step, in order; plans the rest of the collection from the midway count;
  re-sites after two thin syringes; answers required responses at once.
* **intermediate**: two sites; tracks 8-24 deg (many near-perpendicular); pushes on past the give
  on one penetration in four; two 7 mL pulls per penetration with a 45 deg turn between (the
  same marrow); skips the cell count and the stop criteria; answers after 40 s.
* **novice**: two sites on one hip, one over the SI joint; perpendicular, medial and caudal
  tracks pushed 45 mm without stopping at the give; 20 mL pulls at one spot, wherever the tip is;
  hesitates 90 s before each penetration; no steps; never answers a required response.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from sim.errors import CommandRejected
from sim.model.tissue import Tissue
from sim.run.attempt import Attempt
from sim.scenario import resolve_scenario
from sim.scenario.schema import Scenario
from sim.vocabulary.commands import parse_command

HERE = Path(__file__).parent

#: A "withdraw to just above the bone" placeholder, resolved against the live simulation.
TO_SOFT = "to_soft"
#: A syringe under this is thin and bloody: what the performer sees (dry-tap scenario cue).
THIN_TNC_PER_ML = 8.0e6


# --------------------------------------------------------------------------- simple scripts
def careful_harvest(
    target_ml: float, pull_ml: float = 5.0, pulls_per_penetration: int = 2, sites: int = 4
) -> list[dict]:
    """A fixed careful technique (used by the marrow-model tests): sites at the PSIS, aim toward
    the ASIS, stop at the give, small pulls at spread depths, a new bone penetration every
    <= 10 mL.  Withdrawals are ``TO_SOFT`` placeholders for ``resolve``."""
    marks = [
        ("left_psis", 0, 0),
        ("left_psis", 10, 12),
        ("right_psis", 0, 0),
        ("right_psis", 10, 12),
    ][:sites]
    cmds: list[dict] = [
        {"do": "mark_site", "landmark": lm, "lateral_mm": lat, "cranial_mm": cr}
        for lm, lat, cr in marks
    ]
    angles = [(lat, cr) for cr in (0, 12, 24, 6, 18) for lat in (14, 20, 26, 17, 23)]
    per_site = target_ml / len(marks)
    for site in range(len(marks)):
        cmds.append({"do": "insert", "site": site, "lateral_deg": 24, "cranial_deg": 0})
        got, k = 0.0, 0
        while got < per_site - 1e-6:
            if k:
                lat, cr = angles[k % len(angles)]
                cmds.append({"do": "redirect", "lateral_deg": lat, "cranial_deg": cr})
            cmds.append({"do": "advance", "mm": 60, "twist": True, "stop_on": "loss_of_resistance"})
            if (k // len(angles)) % 2:
                cmds.append({"do": "advance", "mm": 6})
            cmds.append({"do": "remove_stylet"})
            for p in range(pulls_per_penetration):
                cmds.append({"do": "aspirate", "ml": pull_ml})
                got += pull_ml
                if p < pulls_per_penetration - 1:
                    cmds.append({"do": "advance", "mm": 10})
            cmds.append({"do": "replace_stylet"})
            cmds.append({"do": "withdraw", "mm": TO_SOFT})
            k += 1
        cmds.append({"do": "remove_needle"})
    cmds.append({"do": "end"})
    return cmds


def resolve(scenario_id: str, cmds: list[dict], seed: int = 1) -> list[dict]:
    """Run the commands, fixing TO_SOFT withdrawals to 4 mm short of the bone depth."""
    attempt = Attempt(resolve_scenario(scenario_id), seed)
    out = []
    for cmd in cmds:
        if cmd.get("mm") == TO_SOFT:
            depth = attempt.sim.needle.depth_mm
            cmd = {"do": "withdraw", "mm": round(depth - (attempt.sim.anatomy.soft_mm - 4.0), 2)}
        attempt.apply(parse_command(cmd))
        out.append(cmd)
    return out


# --------------------------------------------------------------------------- technique
Site = tuple[str, float, float]  # landmark, lateral_mm, cranial_mm
Angle = tuple[float, float]  # lateral_deg, cranial_deg


@dataclass(frozen=True)
class Technique:
    """How one performer works; every field is a plain, documented choice."""

    sites: tuple[Site, ...]
    angles: tuple[Angle, ...]
    pull_ml: float
    pulls_per_penetration: int
    #: Between pulls of one penetration: ("advance", mm), ("rotate", deg) or None (same spot).
    between: tuple[str, float] | None
    #: Stop at the give (stop_on loss_of_resistance): 1 = always, 0 = never; n > 1 = push
    #: ``push_mm`` on without stopping on every n-th penetration.
    stop_every: int = 1
    push_mm: float = 60.0
    #: Extra advance into the marrow after the give, cycling per round of angles.
    offsets_mm: tuple[float, ...] = (0.0,)
    #: Pause before each bone penetration (hesitation), s.
    hesitate_s: float = 0.0
    #: Collect this share of the scenario's target volume.
    volume_share: float = 1.0
    #: After the midway count, aim for the volume it says the dose needs (times this margin),
    #: instead of the target volume (an expert plans from the count; never past 95% of the
    #: donor limit).
    dose_margin: float | None = None
    #: Feel the tip: do not pull unless it is in marrow (an expert feels cortex or a skid).
    feel: bool = True
    #: Procedure steps this performer does (None = all the scenario requires) and how well.
    steps: tuple[str, ...] | None = None
    strips_off_by: int = 0
    cell_count_share: float = 0.5
    teaching_share: float = 1.0
    fever_error_c: float = 0.0
    observation_share: float = 1.0
    #: Leave a skin site after this many thin pulls in a row there (0 = never): the marrow
    #: under it is poor (dry-tap scenario), so re-site.
    resite_after_thin: int = 0
    #: Seconds before answering a required response (None = never answers).
    response_delay_s: float | None = 0.0
    #: After a pause, wait this long before resuming (if collection was not stopped).
    recover_s: float = 60.0


@dataclass
class Hand:
    """A live attempt driven command by command; ``cmds`` is what it did, in order."""

    scenario: Scenario
    technique: Technique
    seed: int = 1
    attempt: Attempt = field(init=False)
    cmds: list[dict] = field(default_factory=list)
    due: list[tuple[float, str]] = field(default_factory=list)
    stopped: bool = False
    paused: bool = False
    counts: list[dict] = field(default_factory=list)
    thin_run: int = 0

    def __post_init__(self) -> None:
        self.attempt = Attempt(self.scenario, self.seed)

    @property
    def sim(self):
        return self.attempt.sim

    @property
    def tissue(self) -> Tissue:
        return self.sim.needle.tissue

    def do(self, **cmd: Any) -> list[dict]:
        events = self.attempt.apply(parse_command(cmd))
        self.cmds.append(cmd)
        self._watch(events)
        return events

    # ------------------------------------------------------------------ the scenario's calls
    def _watch(self, events: list[dict]) -> None:
        delay = self.technique.response_delay_s
        for ev in events:
            if ev["type"] == "cell_count":
                self.counts.append(ev)
            if ev["type"] == "response_required" and delay is not None:
                self.due.append((ev["t_s"] + delay, ev["response"]))
            if ev["type"] == "response_made" and ev.get("already"):
                self.due = [d for d in self.due if d[1] != ev["response"]]

    def answer_due(self) -> None:
        """Make the responses whose time has come (in the order they were asked for)."""
        while self.due and self.due[0][0] <= self.sim.t_s + 1e-9:
            _, response = self.due.pop(0)
            if response == "pause_harvest" and (self.paused or self.stopped):
                continue
            if response == "stop_harvest" and self.stopped:
                continue
            if response == "resume_harvest" and not self.paused:
                continue
            try:
                self.do(do=response)
            except CommandRejected:
                continue
            self.paused = response == "pause_harvest" or (
                self.paused and response != "resume_harvest"
            )
            self.stopped = self.stopped or response == "stop_harvest"
        if self.due and self.due[0][0] > self.sim.t_s:
            return
        if self.paused and not self.due and not self.stopped:
            self.do(do="wait", s=self.technique.recover_s)
            self.do(do="resume_harvest")
            self.paused = False

    def wait_for_calls(self, s: float) -> None:
        """Let time pass (hesitation), answering calls that fall due meanwhile."""
        if s > 0:
            self.do(do="wait", s=s)
        self.answer_due()
        while self.due and self.technique.response_delay_s is not None:
            self.do(do="wait", s=max(0.0, self.due[0][0] - self.sim.t_s))
            self.answer_due()

    # ------------------------------------------------------------------ steps
    def wants(self, step: str) -> bool:
        t = self.technique
        chosen = self.scenario.steps if t.steps is None else t.steps
        return step in self.scenario.steps and step in chosen

    def step(self, step: str) -> None:
        self.answer_due()
        if not self.wants(step):
            return
        t = self.technique
        if step == "steri_strips":
            sites = (
                self.scenario.handover.skin_sites
                if self.scenario.handover is not None
                else len(self.sim.punctured)
            )
            self.do(do="steri_strips", count=max(1, sites + t.strips_off_by))
        elif step == "discharge_teaching":
            items = list(self.scenario.care.teaching)[
                : max(1, round(len(self.scenario.care.teaching) * t.teaching_share))
            ]
            extra = {}
            if "fever_threshold" in items:
                extra["fever_threshold_c"] = self.scenario.care.fever_threshold_c + t.fever_error_c
            self.do(do="discharge_teaching", items=items, **extra)
        elif step == "recovery_observations":
            checks = list(self.scenario.care.observations)
            keep = max(1, round(len(checks) * t.observation_share))
            self.do(do="recovery_observations", checks=checks[:keep])
        elif step == "stop_criteria":
            self.do(do="stop_criteria", reason=self.stop_reason())
            self.stopped = True
        elif step == "cell_count" and self.counts:
            return  # already counted (the laboratory asked for it)
        else:
            self.do(do=step)

    def stop_reason(self) -> str:
        """Why collection stops, as the performer would say it."""
        bag, s = self.sim.bag, self.scenario
        if bag.tnc_per_kg_recipient >= s.targets.tnc_per_kg_recipient:
            return "target_cell_dose_reached"
        if bag.volume_ml >= 0.9 * self.sim.donor_limit_ml:
            return "donor_volume_limit"
        return "target_volume_reached"

    def goal_ml(self) -> float:
        """How much to collect: the target share, or what the midway count says the dose needs."""
        t, s = self.technique, self.scenario
        goal = s.target_volume_ml * t.volume_share
        if t.dose_margin is not None and self.counts:
            count = self.counts[-1]
            need = count.get("ml_to_target")
            if need is not None:
                goal = count["bag_ml"] + need * t.dose_margin
        return min(goal, 0.95 * self.sim.donor_limit_ml)

    # ------------------------------------------------------------------ needle work
    def withdraw_to_soft(self, margin_mm: float = 4.0) -> None:
        depth = self.sim.needle.depth_mm
        mm = round(depth - (self.sim.anatomy.soft_mm - margin_mm), 2)
        if mm > 0 and self.tissue not in (Tissue.FAT, Tissue.MUSCLE, Tissue.SKIN):
            self.do(do="withdraw", mm=mm)

    def redirect(self, lateral_deg: float, cranial_deg: float) -> bool:
        """Re-aim from the soft tissue; backs off a little more if the new aim is in bone."""
        for _ in range(3):
            try:
                self.do(do="redirect", lateral_deg=lateral_deg, cranial_deg=cranial_deg)
                return True
            except CommandRejected:
                if self.sim.needle.depth_mm <= 8.0:
                    return False
                self.do(do="withdraw", mm=4.0)
        return False

    def penetrate(self, k: int) -> bool:
        """Advance into the bone; True when the tip is in marrow (or, unfelt, anywhere)."""
        t = self.technique
        stop = t.stop_every == 1 or (t.stop_every > 1 and k % t.stop_every)
        if stop:
            self.do(do="advance", mm=60, twist=True, stop_on="loss_of_resistance")
        else:
            self.do(do="advance", mm=t.push_mm, twist=True)
        offset = t.offsets_mm[(k // len(t.angles)) % len(t.offsets_mm)]
        if offset and self.tissue == Tissue.MARROW:
            self.do(do="advance", mm=offset)
        return self.tissue == Tissue.MARROW or not t.feel

    def pulls(self, collected_ml: float, goal_ml: float) -> float:
        """The pulls of one penetration; returns the volume drawn."""
        t = self.technique
        got = 0.0
        self.do(do="remove_stylet")
        for p in range(t.pulls_per_penetration):
            self.answer_due()
            if self.stopped or self.paused or collected_ml + got >= goal_ml - 1e-6:
                break
            if t.feel and self.tissue != Tissue.MARROW:
                break
            events = self.do(do="aspirate", ml=t.pull_ml)
            got += t.pull_ml
            pulled = next((e for e in events if e["type"] == "aspirated"), None)
            thin = pulled is not None and pulled["tnc_per_ml"] < THIN_TNC_PER_ML
            self.thin_run = self.thin_run + 1 if thin else 0
            if t.resite_after_thin and self.thin_run >= t.resite_after_thin:
                break
            if p < t.pulls_per_penetration - 1 and t.between is not None:
                kind, amount = t.between
                if kind == "rotate":
                    self.do(do="rotate", deg=amount)
                elif self.tissue == Tissue.MARROW:
                    self.do(do="advance", mm=amount)
        self.do(do="replace_stylet")
        return got

    def harvest(self) -> None:
        t = self.technique
        sim = self.sim
        first = len(sim.sites)
        for lm, lat, cr in t.sites:
            self.do(do="mark_site", landmark=lm, lateral_mm=lat, cranial_mm=cr)
        self.step("heparinise_syringes")
        for i in range(len(t.sites)):
            if self.stopped or sim.bag.volume_ml >= self.goal_ml() - 1e-6:
                break
            lat, cr = t.angles[0]
            self.do(do="insert", site=first + i, lateral_deg=lat, cranial_deg=cr)
            self.thin_run = 0
            k = 0
            poor: set[Angle] = set()  # aims that skidded or found no marrow at this site
            while not self.stopped and k < 400:
                goal = self.goal_ml()
                site_goal = min(goal, goal * (i + 1) / len(t.sites))
                if sim.bag.volume_ml >= site_goal - 1e-6:
                    break
                if t.resite_after_thin and self.thin_run >= t.resite_after_thin:
                    if i < len(t.sites) - 1:
                        break  # this area is poor: re-site
                    self.thin_run = 0
                if k:
                    lat, cr = t.angles[k % len(t.angles)]
                    if (lat, cr) in poor and len(poor) < len(t.angles):
                        k += 1
                        continue
                    if not self.redirect(lat, cr):
                        k += 1
                        continue
                self.wait_for_calls(t.hesitate_s)
                if self.stopped:
                    break
                if self.penetrate(k):
                    if self.pulls(sim.model.bag.volume_ml, site_goal) < t.pull_ml and t.feel:
                        poor.add((lat, cr))
                elif t.feel:
                    poor.add((lat, cr))
                self.withdraw_to_soft()
                k += 1
                if not self.counts and sim.bag.volume_ml >= t.cell_count_share * goal:
                    self.step("cell_count")
            self.do(do="remove_needle")
        self.answer_due()

    def close(self) -> None:
        """Finish: stop criteria, closing the sites, recovery and teaching, then end."""
        if not self.stopped:
            self.step("stop_criteria")
        for step in ("steri_strips", "pressure_dressing", "recovery_observations"):
            self.step(step)
        self.step("discharge_teaching")
        self.wait_for_calls(0.0)
        self.do(do="end")


def perform(scenario_id: str, technique: Technique, seed: int = 1) -> list[dict]:
    """The commands of one performance of a scenario, resolved against a live attempt."""
    scenario = resolve_scenario(scenario_id)
    hand = Hand(scenario, technique, seed)
    hand.step("time_out")
    if scenario.kind == "nursing":
        hand.wait_for_calls(0.0)
    else:
        hand.harvest()
    hand.close()
    return hand.cmds


# --------------------------------------------------------------------------- the three levels
BOTH_PSIS: tuple[Site, ...] = (
    ("left_psis", 0, 0),
    ("left_psis", 10, 12),
    ("right_psis", 0, 0),
    ("right_psis", 10, 12),
)
EXPERT_ANGLES: tuple[Angle, ...] = tuple(
    (lat, cr) for cr in (-4, 10, 24, 3, 17) for lat in (18, 24, 30, 21, 27)
)
INTERMEDIATE_ANGLES: tuple[Angle, ...] = tuple(
    (lat, cr) for cr in (0, 10, -4) for lat in (20, 12, 24, 16, 8)
)
OBESE_ANGLES: tuple[Angle, ...] = tuple(
    (lat, cr) for cr in (-4, 8, 16, 0, 12, 4) for lat in (17, 21, 19)
)
NOVICE_ANGLES: tuple[Angle, ...] = ((0, 0), (-6, 0), (4, -10), (0, 8), (-10, -6))


def expert(**overrides: Any) -> Technique:
    base = Technique(
        sites=BOTH_PSIS,
        angles=EXPERT_ANGLES,
        pull_ml=3.3,
        pulls_per_penetration=3,
        between=("advance", 6.0),
        offsets_mm=(0.0, 6.0),
        dose_margin=1.02,
        resite_after_thin=2,
    )
    return _replace(base, overrides)


def intermediate(**overrides: Any) -> Technique:
    base = Technique(
        sites=(("left_psis", 0, 0), ("right_psis", 4, 6)),
        angles=INTERMEDIATE_ANGLES,
        pull_ml=7.0,
        pulls_per_penetration=2,
        between=("rotate", 45.0),
        stop_every=4,
        push_mm=30.0,
        hesitate_s=8.0,
        volume_share=0.95,
        steps=("time_out", "heparinise_syringes", "steri_strips", "pressure_dressing"),
        strips_off_by=1,
        teaching_share=0.6,
        response_delay_s=40.0,
        resite_after_thin=8,
    )
    return _replace(base, overrides)


def novice(**overrides: Any) -> Technique:
    base = Technique(
        sites=(("left_psis", -12, -4), ("left_psis", 2, -2)),
        angles=NOVICE_ANGLES,
        pull_ml=20.0,
        pulls_per_penetration=3,
        between=None,
        stop_every=0,
        push_mm=45.0,
        hesitate_s=90.0,
        volume_share=0.8,
        feel=False,
        steps=("pressure_dressing",),
        response_delay_s=None,
    )
    return _replace(base, overrides)


def _replace(base: Technique, overrides: dict[str, Any]) -> Technique:
    return replace(base, **overrides)


LEVELS: dict[str, Callable[..., Technique]] = {
    "expert": expert,
    "intermediate": intermediate,
    "novice": novice,
}
#: Per-scenario adjustments to a level (what a performer at that level would do differently).
ADJUST: dict[tuple[str, str], dict[str, Any]] = {
    # Deep fat: at 24 deg lateral the track meets the bone beyond the PSIS table and skids or
    # misses it (the needle is 10 cm); an expert keeps to the medial half of the safe band.
    ("obese-donor", "expert"): {"angles": OBESE_ANGLES},
    # The nursing scenario: the intermediate does every step but miscounts the strips,
    # takes half the observations and teaches part of the list with a wrong fever threshold.
    ("post-procedure-care", "intermediate"): {
        "steps": None,
        "observation_share": 0.5,
        "teaching_share": 0.5,
        "fever_error_c": 0.5,
    },
}
#: The needle scenarios (core library) and the nursing one.
SCENARIOS = (
    "adult-standard",
    "obese-donor",
    "pediatric-donor",
    "older-donor",
    "weight-mismatch",
    "dry-tap",
    "anesthesia-event",
    "post-procedure-care",
)


def scripts() -> dict[str, tuple[str, Callable[[], list[dict]]]]:
    """name -> (scenario id, a function making its commands)."""
    out: dict[str, tuple[str, Callable[[], list[dict]]]] = {}
    for sid in SCENARIOS:
        for level, make in LEVELS.items():
            tech = make(**ADJUST.get((sid, level), {}))
            out[f"{sid}-{level}"] = (sid, lambda sid=sid, tech=tech: perform(sid, tech))
    return out


def write(name: str, cmds: list[dict]) -> Path:
    path = HERE / f"{name}.jsonl"
    path.write_text("".join(json.dumps(c) + "\n" for c in cmds), encoding="utf-8")
    return path


def main(argv: list[str] | None = None) -> None:
    only = (argv if argv is not None else sys.argv[1:]) or [""]
    for name, (_sid, make) in scripts().items():
        if any(o in name for o in only):
            print(write(name, make()))


if __name__ == "__main__":
    main()
