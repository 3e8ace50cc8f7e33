"""Generate the reference action scripts in this folder: expert, intermediate and novice.

The scripts are plain JSONL committed beside this file (``<scenario>-<level>.jsonl``); this
generator documents how they were made.  It drives a live attempt while it writes, the way a
trainee's hands and eyes would: it feels where the tip is (the tissue under it, a skid or a stall)
before pulling, reacts to what the scenario asks for (responses, with the level's delay), and
resolves state-dependent amounts (how far to withdraw to get the tip back into soft tissue) into
fixed numbers in the file.  Replaying a script therefore needs nothing from this module.

    python -m tests.reference.generate            # rewrite all scripts
    python -m tests.reference.generate obese      # only those whose name contains "obese"
    python -m tests.reference.generate --doc      # only the score table of docs/scoring.md

Rewriting all scripts also rewrites the reference score table in docs/scoring.md.

Levels (docs/scoring.md, "Reference performances"):

* **expert**: four sites at the PSIS on both crests; tracks 18-30 deg lateral toward the ASIS,
  -4 to 24 deg cranial (17-21 deg for the obese donor); stops at the loss of resistance; three
  3.3 mL pulls per bone penetration, advancing 6 mm between them (<= 10 mL per penetration);
  takes the first pull of each entry at a depth (0-36 mm past the give) where it has not drawn
  before; every required step, in order; plans the rest of the collection from the midway
  count (TNC and CD34+) and counts again before stopping; re-sites after two thin syringes;
  answers required responses at once.  Every performer stops at the scenario's time limit.
* **intermediate**: two sites; tracks 8-24 deg (many near-perpendicular); pushes on past the give
  on one penetration in four; two 7 mL pulls per penetration with a 45 deg turn between (the
  same marrow); skips the cell count and the stop criteria; answers after 40 s.
* **novice**: two sites on one hip, the second over the SI joint; perpendicular, medial and
  caudal tracks pushed 38 mm without stopping at the give; 20 mL pulls at one spot, wherever
  the tip is; hesitates 90 s before each penetration; no steps; never answers a required
  response.

The nursing scenarios (``post-procedure-care``, ``next-day-visit``) have performers of their
own in ``tests/reference/nursing.py``; their scores go into the nursing table of
docs/scoring.md.
"""

from __future__ import annotations

import json
import math
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
from tests.reference import nursing

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
    cmds: list[dict] = [{"do": "heparinise_syringes"}]
    cmds += [
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
            if k % 4:  # the first pull at a different depth on each entry: fresh marrow
                cmds.append({"do": "advance", "mm": 5.0 * (k % 4)})
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
    #: Choose how far past the give to take the first pull so that it lands on marrow no
    #: earlier pull drew from ('keep putting the point of the needle in different places',
    #: Thomas): the first of ``spread_offsets_mm`` at least ``spread_mm`` from every earlier
    #: pull on that side, keeping ``room_mm`` short of the inner table for the later pulls.
    spread_offsets_mm: tuple[float, ...] = ()
    spread_mm: float = 4.5
    room_mm: float = 8.0
    #: Pause before each bone penetration (hesitation), s.
    hesitate_s: float = 0.0
    #: Collect this share of the scenario's target volume.
    volume_share: float = 1.0
    #: Never collect more than this share of the target volume, whatever a count says (a
    #: protocol's most mL/kg recipient); None: up to 95% of the donor limit.
    max_volume_share: float | None = None
    #: After the midway count, aim for the volume it says the dose needs (times this margin),
    #: instead of the target volume (an expert plans from the count; never past 95% of the
    #: donor limit).
    dose_margin: float | None = None
    #: Feel the tip: do not pull unless it is in marrow (an expert feels cortex or a skid).
    feel: bool = True
    #: Deep soft tissue (the PSIS deeper than this, mm): take the long needle and aim with
    #: ``deep_angles`` (toward the medial half of the band, where the track still meets the
    #: PSIS table through the fat).  None: the performer does not adapt.
    deep_soft_tissue_mm: float | None = None
    deep_angles: tuple[Angle, ...] = ()
    #: Turn the donor to this position first (``supine`` for the anterior crests).
    position: str | None = None
    #: Take the kit's long needle from the start (the depth of the work, not the fat, needs it).
    long_needle: bool = False
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
    #: Where this performer has drawn from, per side (PSIS-local frame): an expert remembers.
    drawn: dict[str, list[tuple[float, float, float]]] = field(default_factory=dict)
    deep: bool = False
    recounts: int = 0
    #: Skin sites this performer left because the marrow under them was poor.
    poor_sites: set[int] = field(default_factory=set)

    @property
    def angles(self) -> tuple[Angle, ...]:
        t = self.technique
        return t.deep_angles if self.deep and t.deep_angles else t.angles

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
        elif step == "product_disposition":
            plan = self.scenario.recipient.plan
            decision = "infuse_fresh" if plan == "same_day_infusion" else "cryopreserve"
            self.do(do=step, decision=decision)
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
        """How much to collect: the target share, or what the counts say the doses need.

        After the first count the rest is planned at the bag's concentration (with a margin);
        after a later one, at the concentration the bag gained since the count before, since
        later pulls are thinner (the ilium's marrow is drawn down)."""
        t, s = self.technique, self.scenario
        goal = s.target_volume_ml * t.volume_share
        if t.dose_margin is not None and self.counts:
            count = self.counts[-1]
            plans = []
            for per_kg, target in (
                ("tnc_per_kg_recipient", s.targets.tnc_per_kg_recipient),
                ("cd34_per_kg_recipient", s.targets.cd34_per_kg_recipient),
            ):
                if target is None:
                    continue
                short = (target - count[per_kg]) * s.recipient.weight_kg
                if short <= 0:
                    continue
                rate = count[per_kg] * s.recipient.weight_kg / count["bag_ml"]
                if len(self.counts) > 1:
                    before = self.counts[-2]
                    gained_ml = count["bag_ml"] - before["bag_ml"]
                    gained = (count[per_kg] - before[per_kg]) * s.recipient.weight_kg
                    if gained_ml > 0 and gained > 0:
                        rate = gained / gained_ml
                # at least one more bone entry's pulls: a count a few mL short is still short
                plans.append(max(short / rate * t.dose_margin, t.pull_ml * t.pulls_per_penetration))
            goal = count["bag_ml"] + max(plans, default=0.0)
        if t.max_volume_share is not None:
            goal = min(goal, t.max_volume_share * s.target_volume_ml)
        return min(goal, 0.95 * self.sim.donor_limit_ml)

    # ------------------------------------------------------------------ needle work
    def withdraw_to_soft(self, margin_mm: float = 4.0) -> None:
        depth = self.sim.needle.depth_mm
        soft = self.sim.anatomies[self.sim.needle.region].soft_mm
        mm = round(depth - (soft - margin_mm), 2)
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
        offset = t.offsets_mm[(k // len(self.angles)) % len(t.offsets_mm)]
        if t.spread_offsets_mm and self.tissue == Tissue.MARROW:
            offset = self.fresh_offset()
        if offset and self.tissue == Tissue.MARROW:
            self.do(do="advance", mm=offset)
        return self.tissue == Tissue.MARROW or not t.feel

    def room_ahead_mm(self) -> float:
        """Marrow left ahead of the tip before the inner table (or the end of the bone)."""
        n = self.sim.needle
        seg = n.profile.segment_at(n.depth_mm + 1e-9)
        return seg.end_mm - n.depth_mm if seg.tissue == Tissue.MARROW else 0.0

    def fresh_offset(self) -> float:
        """How far past the give the first pull goes: the least advance that reaches marrow at
        least ``spread_mm`` from every earlier pull on this side, leaving room for the rest."""
        t = self.technique
        n = self.sim.needle
        earlier = self.drawn.get(f"{n.side}_{n.region}", [])
        need = t.room_mm + (t.pulls_per_penetration - 1) * (t.between[1] if t.between else 0.0)
        room = self.room_ahead_mm()
        best, best_gap = 0.0, -1.0
        for off in t.spread_offsets_mm:
            if off + need > room:
                break
            tip = tuple(n.entry[i] + (n.depth_mm + off) * n.direction[i] for i in range(3))
            gap = min((math.dist(tip, q) for q in earlier), default=math.inf)
            if gap >= t.spread_mm:
                return off
            if gap > best_gap:
                best, best_gap = off, gap
        return best

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
            if self.tissue == Tissue.MARROW:
                n = self.sim.needle
                self.drawn.setdefault(f"{n.side}_{n.region}", []).append(n.tip())
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
                    if t.spread_offsets_mm and self.room_ahead_mm() < amount + t.room_mm:
                        break  # no room left before the inner table: the next entry
                    self.do(do="advance", mm=amount)
        self.do(do="replace_stylet")
        return got

    def harvest(self) -> None:
        t = self.technique
        first = len(self.sim.sites)
        if t.position is not None:
            self.do(do="reposition", position=t.position)
        if t.long_needle:
            self.do(do="choose_needle", needle="long")
        for step in ("heparin_iv", "skin_prep", "local_anaesthetic"):
            self.step(step)
        deep = t.deep_soft_tissue_mm
        if deep is not None and self.sim.anatomy.soft_mm > deep:  # felt through deep fat
            self.deep = True
            self.do(do="choose_needle", needle="long")
        for lm, lat, cr in t.sites:
            self.do(do="mark_site", landmark=lm, lateral_mm=lat, cranial_mm=cr)
        self.step("heparinise_syringes")
        self.step("acd_in_bag")
        next_k: dict[int, int] = {}
        for _ in range(4):  # a count that shows the dose short sends the expert back
            self.harvest_sites(first, next_k)
            if not self.recount():
                break
        self.answer_due()

    def recount(self) -> bool:
        """An expert who planned the volume from a count checks the bag again before stopping,
        since later pulls thin out; True when the new count says more is needed."""
        t, sim = self.technique, self.sim
        if t.dose_margin is None or not self.counts or self.stopped:
            return False
        cap = 0.95 * sim.donor_limit_ml
        if t.max_volume_share is not None:
            cap = min(cap, t.max_volume_share * self.scenario.target_volume_ml)
        if sim.bag.volume_ml >= cap - t.pull_ml:
            return False  # no more may be taken: a count would change nothing
        self.answer_due()
        self.do(do="cell_count")
        self.recounts += 1
        count, targets = self.counts[-1], self.scenario.targets
        short = count["tnc_per_kg_recipient"] < targets.tnc_per_kg_recipient
        if targets.cd34_per_kg_recipient is not None:
            short = short or count["cd34_per_kg_recipient"] < targets.cd34_per_kg_recipient
        return short and self.goal_ml() > sim.bag.volume_ml

    def harvest_sites(self, first: int, next_k: dict[int, int]) -> None:
        """One pass over the skin sites, each collecting its share of the goal."""
        t = self.technique
        sim = self.sim
        start_ml = sim.bag.volume_ml  # each pass shares what is left among the sites

        def site_goal_ml(i: int) -> float:
            goal = self.goal_ml()
            return min(goal, start_ml + (goal - start_ml) * (i + 1) / len(t.sites))

        for i in range(len(t.sites)):
            if self.stopped or sim.bag.volume_ml >= self.goal_ml() - 1e-6:
                break
            if sim.bag.volume_ml >= site_goal_ml(i) - 1e-6 or i in self.poor_sites:
                continue
            k = next_k.get(i, 0)
            lat, cr = self.angles[k % len(self.angles)]
            self.do(do="insert", site=first + i, lateral_deg=lat, cranial_deg=cr)
            self.thin_run = 0
            start = k
            poor: set[Angle] = set()  # aims that skidded or found no marrow at this site
            while not self.stopped and k < start + 400:
                if sim.t_s >= self.scenario.time.limit_s:
                    break  # out of time: the performer stops
                goal = self.goal_ml()
                site_goal = site_goal_ml(i)
                if sim.bag.volume_ml >= site_goal - 1e-6:
                    break
                if t.resite_after_thin and self.thin_run >= t.resite_after_thin:
                    self.poor_sites.add(i)
                    break  # this area is poor: re-site (or, at the last site, stop here)
                if k > start:
                    lat, cr = self.angles[k % len(self.angles)]
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
                    if self.pulls(sim.bag.volume_ml, site_goal) < t.pull_ml and t.feel:
                        poor.add((lat, cr))
                elif t.feel:
                    poor.add((lat, cr))
                self.withdraw_to_soft()
                k += 1
                if not self.counts and sim.bag.volume_ml >= t.cell_count_share * goal:
                    self.step("cell_count")
            next_k[i] = k
            self.do(do="remove_needle")

    def close(self) -> None:
        """Finish: stop criteria, closing the sites, recovery and teaching, then end."""
        if not self.stopped:
            self.step("stop_criteria")
        for step in (
            "filter_product",
            "sample_and_label",
            "product_disposition",
            "sharps_count",
            "steri_strips",
            "pressure_dressing",
            "recovery_observations",
        ):
            self.step(step)
        self.step("discharge_teaching")
        self.wait_for_calls(0.0)
        self.do(do="end")


def perform(scenario_id: str | Scenario, technique: Technique, seed: int = 1) -> list[dict]:
    """The commands of one performance of a scenario, resolved against a live attempt."""
    return perform_hand(scenario_id, technique, seed).cmds


def perform_hand(scenario_id: str | Scenario, technique: Technique, seed: int = 1) -> Hand:
    """One performance of a scenario (an id or a Scenario); the hand, with its live attempt."""
    scenario = (
        resolve_scenario(scenario_id) if isinstance(scenario_id, str) else scenario_id
    )
    hand = Hand(scenario, technique, seed)
    hand.step("time_out")
    if scenario.kind == "nursing":
        hand.wait_for_calls(0.0)
    else:
        hand.harvest()
    hand.close()
    return hand


# --------------------------------------------------------------------------- the three levels
BOTH_PSIS: tuple[Site, ...] = (
    ("left_psis", 0, 0),
    ("left_psis", 2, 12),
    ("right_psis", 0, 0),
    ("right_psis", 2, 12),
)
EXPERT_ANGLES: tuple[Angle, ...] = tuple(
    (lat, cr) for cr in (-4, 10, 3, 17) for lat in (18, 24, 30, 21, 27)
)
INTERMEDIATE_ANGLES: tuple[Angle, ...] = tuple(
    (lat, cr) for cr in (0, 10, -4) for lat in (20, 12, 24, 16, 8)
)
OBESE_ANGLES: tuple[Angle, ...] = tuple(
    (lat, cr) for cr in (-4, 8, 0, 12, 4) for lat in (17, 21, 19, 23)
)
NOVICE_ANGLES: tuple[Angle, ...] = ((0, 0), (-6, 0), (4, -10), (0, 8), (-10, -6))
#: The anterior crest: straight down the iliac wing (its plane), tilted along the crest.
ANTERIOR_SITES: tuple[Site, ...] = (
    ("left_asis", 0, 25),
    ("left_asis", 0, 40),
    ("right_asis", 0, 25),
    ("right_asis", 0, 40),
)
ANTERIOR_ANGLES: tuple[Angle, ...] = tuple(
    (lat, cr) for cr in (0, -12, 12, -6, 6, -18, 18) for lat in (0, -1, 1)
)


def expert(**overrides: Any) -> Technique:
    base = Technique(
        sites=BOTH_PSIS,
        angles=EXPERT_ANGLES,
        pull_ml=3.3,
        pulls_per_penetration=3,
        between=("advance", 6.0),
        spread_offsets_mm=tuple(float(x) for x in range(0, 51, 2)),
        dose_margin=1.12,
        deep_soft_tissue_mm=35.0,
        deep_angles=OBESE_ANGLES,
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
        steps=(
            "time_out",
            "heparin_iv",
            "skin_prep",
            "heparinise_syringes",
            "filter_product",
            "steri_strips",
            "pressure_dressing",
        ),
        strips_off_by=1,
        teaching_share=0.6,
        response_delay_s=40.0,
        resite_after_thin=8,
    )
    return _replace(base, overrides)


def novice(**overrides: Any) -> Technique:
    base = Technique(
        sites=(("left_psis", 2, -2), ("left_psis", -12, -4)),
        angles=NOVICE_ANGLES,
        pull_ml=20.0,
        pulls_per_penetration=3,
        between=None,
        stop_every=0,
        push_mm=38.0,
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
    # The first site's area is poor (more than 25 mm across): the expert moves to the other
    # crest, and comes back to this one well away from the first site.
    ("dry-tap", "expert"): {
        "sites": (
            ("left_psis", 0, 0),
            ("right_psis", 0, 0),
            ("right_psis", 2, 12),
            ("left_psis", 16, 26),
        )
    },
    # The anterior crest: every performer turns the donor supine first.
    ("anterior-crest", "expert"): {
        "position": "supine",
        "sites": ANTERIOR_SITES,
        "angles": ANTERIOR_ANGLES,
        "deep_soft_tissue_mm": None,
        "long_needle": True,
        "spread_offsets_mm": tuple(float(x) for x in range(0, 81, 2)),
    },
    ("anterior-crest", "intermediate"): {
        "position": "supine",
        "sites": (("left_asis", 2, 14), ("right_asis", -3, 18)),
        "angles": tuple((lat, cr) for cr in (0, 8, -8) for lat in (0, 6, -6, 3, -9)),
    },
    ("anterior-crest", "novice"): {
        "position": "supine",
        "sites": (("left_asis", 0, 6), ("left_asis", -6, 12)),
        "angles": ((-12, 0), (0, 0), (-8, 10), (-15, -5), (10, 0)),
    },
    # This novice hurries, and collects past the 500 mL at which the laboratory asks for the
    # midway count.
    ("weight-mismatch", "novice"): {"volume_share": 1.1, "hesitate_s": 30.0},
    # ... and this one, far enough to drain the donor's circulation into hypotension.
    ("anesthesia-event", "novice"): {"volume_share": 1.4, "hesitate_s": 20.0},
}
#: The needle scenarios (core library) and the nursing ones.
SCENARIOS = (
    "adult-standard",
    "obese-donor",
    "pediatric-donor",
    "older-donor",
    "weight-mismatch",
    "dry-tap",
    "anesthesia-event",
    "anterior-crest",
    "post-procedure-care",
    "next-day-visit",
)


def scripts() -> dict[str, tuple[str, Callable[[], list[dict]]]]:
    """name -> (scenario id, a function making its commands)."""
    out: dict[str, tuple[str, Callable[[], list[dict]]]] = {}
    for sid in SCENARIOS:
        for level, make in LEVELS.items():
            if sid in nursing.NURSING_SCENARIOS:  # the nurse's station: tests/reference/nursing.py
                out[f"{sid}-{level}"] = (
                    sid,
                    lambda sid=sid, level=level: nursing.perform(sid, level),
                )
                continue
            tech = make(**ADJUST.get((sid, level), {}))
            out[f"{sid}-{level}"] = (sid, lambda sid=sid, tech=tech: perform(sid, tech))
    return out


def write(name: str, cmds: list[dict]) -> Path:
    path = HERE / f"{name}.jsonl"
    path.write_text("".join(json.dumps(c) + "\n" for c in cmds), encoding="utf-8")
    return path


SCORING_DOC = HERE.parents[1] / "docs" / "scoring.md"
TABLE_HEAD = (
    "| scenario | level | total | pass | site | traj | depth | aspir | yield | safety | timing "
    "| steps | critical / failed condition |"
)
SHORT = (
    "site_selection",
    "trajectory",
    "depth_control",
    "aspiration_technique",
    "yield",
    "safety_limits",
    "timing",
    "procedure_steps",
)


EXPERT_PREFIX = "The adult-standard expert script (seed 1) collects "


def expert_line() -> str:
    """The sentence of docs/scoring.md on what the adult-standard expert reaches."""
    attempt = Attempt(resolve_scenario("adult-standard"), 1)
    for raw in (HERE / "adult-standard-expert.jsonl").read_text(encoding="utf-8").splitlines():
        if raw.strip():
            attempt.apply(parse_command(json.loads(raw)))
    m = attempt.sim.metrics()
    return (
        f"{EXPERT_PREFIX}{m['collected_ml']:.0f} mL at {m['tnc_per_ml'] / 1e6:.1f}x10^6/mL: "
        f"{m['tnc_per_kg_recipient'] / 1e8:.2f}x10^8 TNC/kg and "
        f"{m['cd34_per_kg_recipient'] / 1e6:.2f}x10^6 CD34+/kg recipient, in "
        f"{m['procedure_s'] / 60:.0f} min."
    )


def _replayed(sid: str, level: str):
    from sim.scoring import evaluate

    attempt = Attempt(resolve_scenario(sid), 1)
    for raw in (HERE / f"{sid}-{level}.jsonl").read_text(encoding="utf-8").splitlines():
        if raw.strip():
            attempt.apply(parse_command(json.loads(raw)))
    return attempt, evaluate(attempt.sim.events, attempt.scenario)


def score_table() -> list[str]:
    """The reference score table of docs/scoring.md, from the committed scripts (seed 1)."""
    lines = [TABLE_HEAD, "|" + "---|" * 13]
    for sid in SCENARIOS:
        if sid in nursing.NURSING_SCENARIOS:
            continue
        for level in LEVELS:
            _attempt, score = _replayed(sid, level)
            cells = [sid, level, f"{score.total:.1f}", "pass" if score.passed else "FAIL"]
            for cid in SHORT:
                c = score.criterion(cid)
                cells.append(f"{c.score:.1f}/{c.max:.1f}" if c.assessed else "–")
            why = list(score.critical_errors)
            if score.failed_conditions:
                why.append("dose/care condition")
            cells.append(", ".join(why) or "–")
            lines.append("| " + " | ".join(cells) + " |")
    return lines


NURSING_TABLE_HEAD = (
    "| scenario | variant (seed 1) | level | total | pass | assess | safety | site care | teach "
    "| escalate | time | critical / failed condition |"
)


def nursing_table() -> list[str]:
    """The nursing reference score table of docs/scoring.md (seed 1)."""
    from sim.scenario.schema import NURSING_CRITERIA

    lines = [NURSING_TABLE_HEAD, "|" + "---|" * 12]
    for sid in nursing.NURSING_SCENARIOS:
        for level in LEVELS:
            attempt, score = _replayed(sid, level)
            cells = [sid, attempt.nursing.variant.id, level, f"{score.total:.1f}"]
            cells.append("pass" if score.passed else "FAIL")
            for cid in NURSING_CRITERIA:
                c = score.criterion(cid)
                cells.append(f"{c.score:.1f}/{c.max:.1f}")
            why = list(score.critical_errors)
            if score.failed_conditions:
                why.append("care condition")
            cells.append(", ".join(why) or "–")
            lines.append("| " + " | ".join(cells) + " |")
    return lines


THRESHOLDS_HEAD = "| threshold | value | unit | source |"


def _value(v: object) -> str:
    if isinstance(v, float) and abs(v) >= 1e5:
        return f"{v:g}"
    return str(v)


def thresholds_table() -> list[str]:
    """The technique table as docs/scoring.md lists it (sim/vocabulary/technique.py)."""
    from sim.vocabulary.technique import documented

    lines = [THRESHOLDS_HEAD, "|---|---|---|---|"]
    for name, value, unit, source in documented():
        lines.append(f"| `{name}` | {_value(value)} | {unit} | {source} |")
    return lines


def update_scoring_doc() -> None:
    """Rewrite the thresholds and reference score tables in docs/scoring.md."""
    text = SCORING_DOC.read_text(encoding="utf-8").splitlines()
    start = text.index(THRESHOLDS_HEAD)
    end = start
    while end < len(text) and text[end].startswith("|"):
        end += 1
    text[start:end] = thresholds_table()
    start = text.index(TABLE_HEAD)
    end = start
    while end < len(text) and text[end].startswith("|"):
        end += 1
    text[start:end] = score_table()
    if NURSING_TABLE_HEAD in text:
        start = text.index(NURSING_TABLE_HEAD)
        end = start
        while end < len(text) and text[end].startswith("|"):
            end += 1
        text[start:end] = nursing_table()
    for i, line in enumerate(text):
        if line.startswith(EXPERT_PREFIX) or line == "EXPERT_LINE":
            text[i] = expert_line()
    SCORING_DOC.write_text("\n".join(text) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> None:
    args = argv if argv is not None else sys.argv[1:]
    if args == ["--doc"]:
        update_scoring_doc()
        return
    only = args or [""]
    for name, (_sid, make) in scripts().items():
        if any(o in name for o in only):
            print(write(name, make()))
    if only == [""]:
        update_scoring_doc()


if __name__ == "__main__":
    main()
