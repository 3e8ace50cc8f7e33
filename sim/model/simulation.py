"""The harvest simulation: one donor, one needle, a collection bag and a clock.

``Simulation.apply(command)`` is the only way state changes.  It returns the events the command
caused and advances the simulated clock by the time model
(``sim/model/params/timing.toml``) plus the
needle physics.  The simulation is deterministic: everything random comes from the generator
seeded at construction.  Nothing here reads the wall clock or imports pygame.
"""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from sim.errors import CommandRejected
from sim.i18n import N_
from sim.model.anatomy import (
    Anatomy,
    AnteriorAnatomy,
    Side,
    Vec3,
    direction,
    landmark_region,
    landmark_side,
)
from sim.model.bag import CollectionBag
from sim.model.circulation import Circulation
from sim.model.donor import Donor
from sim.model.hand import HandModel
from sim.model.marrow import DryTapZone, MarrowField, YieldModel, side_hole_point
from sim.model.needle import NO_REDIRECT, NeedleMotion, NeedleState, TissueMechanics
from sim.model.parameters import table
from sim.model.tissue import ASPIRATE_OUTSIDE_MARROW, CRITICAL_TISSUES, Tissue
from sim.vocabulary import commands as c
from sim.vocabulary.events import (
    DANGER_ZONE_ASPIRATION,
    DONOR_PROFILE,
    DONOR_VOLUME_LIMIT_EXCEEDED,
    DRY_TAP,
    NEEDLE_CHOSEN,
    REPOSITIONED,
    SIM_CRITICAL_EVENTS,
    SYRINGE_CLOTTED,
)

MAX_SITES = 8

#: The core's messages, in English in the events (and so in the records and replays); the
#: screens translate them when shown (sim/trainer/core_words.py), sentence by sentence.
NEEDLE_TOO_SHORT = N_(
    "The hub is at the skin and the tip, {mm} mm in, has not reached bone: this needle is too "
    "short for this donor."
)
NEEDLE_TOO_SHORT_WHAT_NOW = N_("Take it out and choose the long needle, or another approach.")
CLOTTED_IN_SYRINGE = N_(
    "The marrow clotted in the syringe: the clot and its cells stay in the filters, only blood "
    "reaches the bag. Load each syringe with heparinised saline before pulling."
)
#: Why a command is refused (CommandRejected), with values; the static ones are N_-marked
#: where they are raised.
NO_NEEDLE = N_("cannot {what}: no needle is in the skin; insert first")
ALREADY_POSITIONED = N_("the donor is already {position}")
TOO_MANY_SITES = N_("at most {n} sites can be marked")
TURN_THE_DONOR = N_(
    "the donor is {position}: turn the donor {needed} (reposition) to reach the {crest} iliac crest"
)
PSIS_NOT_FELT = N_(
    "the PSIS cannot be felt under {mm} mm of fat; harvest from the anterior crest (reposition "
    "supine, an ASIS landmark) or under imaging"
)
SITE_TAKEN = N_(
    "site {n} is already marked here; insert through it again instead of marking a second site "
    "on the same spot"
)
UNKNOWN_SITE = N_("unknown site {site}: {n} site(s) marked")
CANNOT_WITHDRAW = N_(
    "cannot withdraw {mm} mm: the tip is {depth} mm deep; use remove_needle to take it out"
)
#: The messages with values, as ``{name}`` shapes (one sentence each).
MESSAGE_SHAPES = (
    NEEDLE_TOO_SHORT,
    NO_NEEDLE,
    ALREADY_POSITIONED,
    TOO_MANY_SITES,
    TURN_THE_DONOR,
    PSIS_NOT_FELT,
    SITE_TAKEN,
    UNKNOWN_SITE,
    CANNOT_WITHDRAW,
    NO_REDIRECT,
)
#: Two marks closer than this are one skin puncture, not two sites.
MIN_SITE_SPACING_MM = 5.0
Event = dict[str, Any]


@dataclass(frozen=True)
class Site:
    """A marked skin puncture site."""

    index: int
    landmark: str
    side: Side
    region: str
    lateral_mm: float
    cranial_mm: float
    x_mm: float
    y_mm: float


class Simulation:
    """State of one attempt, changed only by commands."""

    def __init__(
        self,
        donor: Donor,
        *,
        recipient_weight_kg: float,
        seed: int,
        donor_limit_ml_per_kg: float | None = None,
        dry_tap: DryTapZone | None = None,
        draw_donor: bool = True,
        fluid_replacement: bool = True,
    ) -> None:
        seeds = np.random.SeedSequence(seed).spawn(6)
        #: The individual: what the scenario left open is drawn from the seed (donor.toml).
        self.donor = donor.individual(np.random.default_rng(seeds[2])) if draw_donor else donor
        donor = self.donor
        self.recipient_weight_kg = recipient_weight_kg
        self.seed = seed
        self.anatomy = Anatomy(donor)
        #: Each approach's anatomy: the posterior crests (prone) and the anterior ones (supine).
        self.anatomies = {"posterior": self.anatomy, "anterior": AnteriorAnatomy(donor)}
        self.position = "prone"
        self.mechanics = TissueMechanics(donor.cortex_factor)
        self.motion = NeedleMotion(
            self.mechanics,
            table("needle").length_mm,
            skive_limit_mm=table("needle").skive_ratio * donor.outer_cortex_mm,
        )
        needle_params = table("needle")
        self.hand = HandModel(
            self.mechanics, needle_params.hand_give_decay_s, needle_params.hand_marrow_speed_mm_s
        )
        self.yield_model = YieldModel(donor)
        self.timing = table("timing")
        self.donor_limit_ml = donor.volume_limit_ml(donor_limit_ml_per_kg)
        self._field_rng = {
            "left": np.random.default_rng(seeds[0]),
            "right": np.random.default_rng(seeds[1]),
            "left_anterior": np.random.default_rng(seeds[4]),
            "right_anterior": np.random.default_rng(seeds[5]),
        }
        self.fields: dict[str, MarrowField] = {}
        #: Whether the marrow in a syringe clots is drawn from its own stream, once per pull.
        self._clot_rng = np.random.default_rng(seeds[3])
        #: The donor's circulation: what is drawn, the fluids and units given back.
        self.circulation = Circulation.of(donor, replacement=fluid_replacement)
        #: Anticoagulation done so far (procedure steps set it): syringes loaded with
        #: heparinised saline, IV heparin at induction, ACD-A in the bag.
        self.anticoagulation = {"syringes": False, "iv_heparin": False, "acd": False}
        #: ACD-A put in the bag (mL); it is not donor blood, and not counted as collected.
        self.bag_acd_ml = 0.0
        #: Needles opened from the kit: the standard one, and the long one once chosen.
        self.needles_opened = 1
        self.dry_tap = dry_tap  # placed at the first marrow draw (see DryTapZone)
        self.dry_tap_centre: tuple[Side, Vec3] | None = None
        self.t_s = 0.0
        self.sites: list[Site] = []
        self.punctured: set[int] = set()
        self.needle = NeedleState()
        self.bag = CollectionBag(recipient_weight_kg)
        self.events: list[Event] = []
        self.ended = False
        self.bone_penetrations = 0
        self.aspirations = 0
        self.max_pull_ml = 0.0
        self.needle_kind = "standard"
        #: Blood the donor lost outside the bag (a pull in the pelvis or the notch's vessels).
        self.blood_lost_ml = 0.0
        self.critical: list[str] = []
        self.listeners: list = []
        self._emit(
            DONOR_PROFILE,
            sex=donor.sex,
            age_years=donor.age_years,
            weight_kg=donor.weight_kg,
            height_cm=donor.height_cm,
            bmi=donor.bmi,
            hb_g_l=donor.hb_g_l,
            haematocrit=donor.hct,
            wbc_per_ml=donor.blood_wbc_per_ml,
            blood_volume_ml=donor.blood_volume_ml,
            marrow_richness=donor.marrow_richness,
        )

    # ------------------------------------------------------------------ events
    def emit(self, type_: str, **fields: Any) -> Event:
        """Add an event to the log at the current time (for the scenario engine and steps)."""
        return self._emit(type_, **fields)

    def add_critical(self, code: str) -> None:
        """Record a critical error found outside the needle model (e.g. a missed response)."""
        if code not in self.critical:
            self.critical.append(code)

    def spend(self, s: float) -> None:
        """Advance the clock by the time a non-needle step takes."""
        self.t_s += s

    def _emit(self, type_: str, **fields: Any) -> Event:
        ev: Event = {"t_s": round(self.t_s, 6), "type": type_}
        for k, v in fields.items():
            ev[k] = round(v, 6) if isinstance(v, float) else v
        self.events.append(ev)
        if type_ in SIM_CRITICAL_EVENTS and type_ not in self.critical:
            self.critical.append(type_)
        for listener in self.listeners:
            listener(ev)
        return ev

    def _where(self) -> dict[str, Any]:
        n = self.needle
        return {"site": n.site, "depth_mm": n.depth_mm, "tissue": n.tissue.value}

    def _on_boundary(self, start_t: float):
        """Event hook for the needle: tissue boundaries become events at their own times."""

        def hook(old: Tissue, new: Tissue, depth_mm: float, elapsed_s: float) -> None:
            saved = self.t_s
            self.t_s = start_t + elapsed_s
            n = self.needle
            if new.is_soft:
                n.since_soft = True
            if not n.stylet_in and (old.is_cortex or new.is_cortex):
                n.plugged = True  # a core of bone fills an open needle driven through cortex
            where = {"site": n.site, "depth_mm": depth_mm}
            if new == Tissue.OUTER_CORTEX and old.is_soft:
                self._emit("cortex_entered", **where)
            elif new == Tissue.MARROW and old == Tissue.OUTER_CORTEX:
                if n.since_soft:
                    self.bone_penetrations += 1
                    n.penetration = self.bone_penetrations
                    n.since_soft = False
                    n.notch_warned = False
                self._emit("loss_of_resistance", penetration=n.penetration, **where)
            elif new == Tissue.INNER_CORTEX:
                self._emit("inner_cortex_contact", **where)
            elif new in CRITICAL_TISSUES:
                self._emit(CRITICAL_TISSUES[new], **where)
            elif new.is_soft and old.is_bone:
                self._emit("bone_exited", **where)
            self.t_s = saved

        return hook

    def _check_notch(self) -> None:
        n = self.needle
        if n.region == "posterior" and n.tissue.is_bone and not n.notch_warned:
            margin = table("anatomy").notch_margin_mm * self.anatomy.scale
            if self.anatomy.notch_distance_mm(n.tip()) < margin:
                n.notch_warned = True
                self._emit("near_sciatic_notch", **self._where())

    # ------------------------------------------------------------------ commands
    def apply(self, cmd: Any) -> list[Event]:
        """Carry out one command; returns the events it caused."""
        if self.ended:
            raise CommandRejected(N_("the procedure has ended; no further commands"))
        start = len(self.events)
        if cmd.do != "press":  # any other command: the hand has let go of the needle
            self.needle.hand_since_give_s = None
        handler = getattr(self, "_do_" + cmd.do)
        handler(cmd)
        return self.events[start:]

    def _require_needle(self, what: str) -> NeedleState:
        if not self.needle.inserted:
            raise CommandRejected(NO_NEEDLE.format(what=what))
        return self.needle

    def _do_choose_needle(self, cmd: c.ChooseNeedle) -> None:
        if self.needle.inserted:
            raise CommandRejected(
                N_("cannot change needles with one in place; remove_needle first")
            )
        p = table("needle")
        if cmd.needle != self.needle_kind and cmd.needle == "long":
            self.needles_opened += 1
        self.needle_kind = cmd.needle
        self.motion.length_mm = p.long_length_mm if cmd.needle == "long" else p.length_mm
        self.t_s += self.timing.choose_needle_s
        self._emit(NEEDLE_CHOSEN, needle=cmd.needle, length_mm=self.motion.length_mm)

    def _do_reposition(self, cmd: c.Reposition) -> None:
        if self.needle.inserted:
            raise CommandRejected(
                N_("cannot turn the donor with the needle in; remove_needle first")
            )
        if cmd.position == self.position:
            raise CommandRejected(
                ALREADY_POSITIONED.format(position=cmd.position), field="position"
            )
        self.position = cmd.position
        self.t_s += self.timing.reposition_s
        self._emit(REPOSITIONED, position=cmd.position)

    def _do_mark_site(self, cmd: c.MarkSite) -> None:
        if len(self.sites) >= MAX_SITES:
            raise CommandRejected(TOO_MANY_SITES.format(n=MAX_SITES))
        side: Side = landmark_side(cmd.landmark)
        region = landmark_region(cmd.landmark)
        needed = "supine" if region == "anterior" else "prone"
        if self.position != needed:
            raise CommandRejected(
                TURN_THE_DONOR.format(
                    position=self.position,
                    needed=needed,
                    crest="anterior" if region == "anterior" else "posterior",
                ),
                field="landmark",
            )
        anatomy = self.anatomies[region]
        palpable = table("anatomy").psis_palpable_max_mm
        if region == "posterior" and anatomy.soft_mm > palpable:
            raise CommandRejected(
                PSIS_NOT_FELT.format(mm=f"{anatomy.soft_mm:.0f}"), field="landmark"
            )
        x, y = anatomy.to_dorsal(side, cmd.lateral_mm, cmd.cranial_mm)
        for other in self.sites:
            if other.region == region and math.hypot(other.x_mm - x, other.y_mm - y) < (
                MIN_SITE_SPACING_MM
            ):
                raise CommandRejected(SITE_TAKEN.format(n=other.index), field="lateral_mm")
        site = Site(
            len(self.sites), cmd.landmark, side, region, cmd.lateral_mm, cmd.cranial_mm, x, y
        )
        self.sites.append(site)
        self.field(self._field_key(side, region))  # build the marrow field now
        self.t_s += self.timing.mark_site_s
        zone = anatomy.site_zone(cmd.lateral_mm, cmd.cranial_mm, self.motion.length_mm)
        self._emit(
            "site_marked",
            site=site.index,
            landmark=cmd.landmark,
            lateral_mm=cmd.lateral_mm,
            cranial_mm=cmd.cranial_mm,
            x_mm=x,
            y_mm=y,
            zone=zone,
        )

    @staticmethod
    def _field_key(side: str, region: str) -> str:
        return side if region == "posterior" else f"{side}_anterior"

    def _set_track(self, lateral_deg: float, cranial_deg: float) -> None:
        n = self.needle
        n.lateral_deg, n.cranial_deg = lateral_deg, cranial_deg
        n.direction = direction(lateral_deg, cranial_deg)
        n.skive_reported = False
        n.profile = self.anatomies[n.region].profile(n.entry, n.direction, self.motion.length_mm)

    def _do_insert(self, cmd: c.Insert) -> None:
        if self.needle.inserted:
            raise CommandRejected(N_("the needle is already in; remove_needle first"))
        if cmd.site >= len(self.sites):
            raise CommandRejected(
                UNKNOWN_SITE.format(site=cmd.site, n=len(self.sites)), field="site"
            )
        site = self.sites[cmd.site]
        n = NeedleState(
            site=site.index,
            side=site.side,
            region=site.region,
            entry=(site.lateral_mm, site.cranial_mm, 0.0),
        )
        self.needle = n
        self._set_track(cmd.lateral_deg, cmd.cranial_deg)
        self.t_s += self.timing.insert_s
        start = self.t_s
        first = site.index not in self.punctured
        # Through the skin (or back through the existing puncture).
        skin = self.anatomies[n.region].skin_mm / max(n.direction[2], 1e-6)
        res = self.motion.advance(n, skin + 1.0, False, False, lambda *a: None)
        self.t_s = start + res.elapsed_s
        if first:
            self.punctured.add(site.index)
            self._emit(
                "skin_punctured",
                site=site.index,
                depth_mm=n.depth_mm,
                lateral_deg=cmd.lateral_deg,
                cranial_deg=cmd.cranial_deg,
            )
        else:
            self._emit(
                "needle_reinserted",
                site=site.index,
                depth_mm=n.depth_mm,
                lateral_deg=cmd.lateral_deg,
                cranial_deg=cmd.cranial_deg,
            )

    def _moved(self, start: float, res, report_stall: bool = True) -> None:
        self.t_s = start + res.elapsed_s
        n = self.needle
        if not n.stylet_in and res.moved_mm > 0 and n.tissue.is_cortex:
            n.plugged = True
        if res.hub_at_skin:
            if n.tissue.is_soft:
                self._emit(
                    "needle_fully_inserted",
                    before_bone=True,
                    length_mm=self.motion.length_mm,
                    message=NEEDLE_TOO_SHORT.format(mm=f"{n.depth_mm:.0f}")
                    + " "
                    + NEEDLE_TOO_SHORT_WHAT_NOW,
                    **self._where(),
                )
            else:
                self._emit("needle_fully_inserted", before_bone=False, **self._where())
        if res.skived and not n.skive_reported:
            n.skive_reported = True
            self._emit("needle_skived", **self._where())
        elif res.stalled and report_stall:
            self._emit("needle_stalled", force_n=n.force_n, **self._where())
        self._check_notch()

    def _do_advance(self, cmd: c.Advance) -> None:
        n = self._require_needle("advance")
        start = self.t_s
        before = n.depth_mm
        res = self.motion.advance(
            n, cmd.mm, cmd.twist, cmd.stop_on == "loss_of_resistance", self._on_boundary(start)
        )
        if res.stalled:
            res.elapsed_s += 2.0
        self._moved(start, res)
        self._emit(
            "advanced",
            twist=cmd.twist,
            from_mm=before,
            peak_force_n=res.peak_force_n,
            stylet_in=n.stylet_in,
            **self._where(),
        )

    def _do_push(self, cmd: c.Push) -> None:
        n = self._require_needle("push")
        start = self.t_s
        res = self.motion.push(n, cmd.force_n, cmd.twist, cmd.s, self._on_boundary(start))
        self._moved(start, res, report_stall=False)

    def _do_press(self, cmd: c.Press) -> None:
        n = self._require_needle("press")
        start = self.t_s
        res = self.motion.press(n, self.hand, cmd.twist, cmd.s, self._on_boundary(start))
        self._moved(start, res, report_stall=False)

    def _do_withdraw(self, cmd: c.Withdraw) -> None:
        n = self._require_needle("withdraw")
        if cmd.mm >= n.depth_mm:
            raise CommandRejected(
                CANNOT_WITHDRAW.format(mm=f"{cmd.mm:g}", depth=f"{n.depth_mm:.1f}"), field="mm"
            )
        old, from_mm = n.tissue, n.depth_mm
        n.depth_mm -= cmd.mm
        self.t_s += self.timing.withdraw_fixed_s + cmd.mm / table("needle").withdraw_mm_per_s
        if n.tissue.is_soft:
            n.since_soft = True
        if old.is_bone and n.tissue.is_soft:
            self._emit("withdrawn_from_bone", from_mm=from_mm, **self._where())
        self._emit("withdrawn", mm=cmd.mm, from_mm=from_mm, **self._where())

    def _do_redirect(self, cmd: c.Redirect) -> None:
        n = self._require_needle("redirect")
        refusal = n.redirect_refusal()
        if refusal is not None:
            raise CommandRejected(refusal)
        new = self.anatomies[n.region].profile(
            n.entry, direction(cmd.lateral_deg, cmd.cranial_deg), self.motion.length_mm
        )
        if not new.tissue_at(n.depth_mm).is_soft:  # checked before anything changes
            raise CommandRejected(
                N_("that direction would put the tip inside bone; withdraw first")
            )
        self._set_track(cmd.lateral_deg, cmd.cranial_deg)
        self.t_s += self.timing.redirect_s
        self._emit(
            "redirected", lateral_deg=cmd.lateral_deg, cranial_deg=cmd.cranial_deg, **self._where()
        )

    def _do_rotate(self, cmd: c.Rotate) -> None:
        n = self._require_needle("rotate")
        n.rotation_deg = (n.rotation_deg + cmd.deg) % 360.0
        self.t_s += self.timing.rotate_s
        self._emit("rotated", deg=cmd.deg, rotation_deg=n.rotation_deg, **self._where())

    def _do_remove_stylet(self, cmd: c.RemoveStylet) -> None:
        n = self._require_needle("remove the stylet")
        if not n.stylet_in:
            raise CommandRejected(N_("the stylet is already out"))
        n.stylet_in = False
        self.t_s += self.timing.stylet_s
        self._emit("stylet_removed", **self._where())

    def _do_replace_stylet(self, cmd: c.ReplaceStylet) -> None:
        n = self._require_needle("replace the stylet")
        if n.stylet_in:
            raise CommandRejected(N_("the stylet is already in"))
        n.stylet_in = True
        n.plugged = False
        self.t_s += self.timing.stylet_s
        self._emit("stylet_replaced", **self._where())

    def field(self, side: str, draw_point: Vec3 | None = None) -> MarrowField:
        """The marrow field of one ilium (``left``, ``right``) or anterior crest
        (``left_anterior``, ``right_anterior``), created on first use."""
        if side not in self.fields:
            region = "anterior" if side.endswith("_anterior") else "posterior"
            self.fields[side] = MarrowField(
                self.donor, self.anatomies[region].soft_mm, self._field_rng[side]
            )
        if self.dry_tap is not None and self.dry_tap_centre is None and draw_point is not None:
            self.fields[side].impoverish(self.dry_tap, draw_point)
            self.dry_tap_centre = (side, draw_point)
        return self.fields[side]

    def _do_aspirate(self, cmd: c.Aspirate) -> None:
        n = self._require_needle("aspirate")
        if n.stylet_in:
            raise CommandRejected(N_("cannot aspirate with the stylet in; remove_stylet first"))
        tissue = n.tissue
        self.t_s += self.timing.aspirate_fixed_s + self.timing.aspirate_s_per_ml * cmd.ml
        self.aspirations += 1
        self.max_pull_ml = max(self.max_pull_ml, cmd.ml)
        if n.plugged or tissue.is_cortex or tissue.is_soft or tissue == Tissue.AIR:
            # Nothing comes back: a plugged needle or a tip in cortex is a dry tap; in fat or
            # muscle the syringe holds at most a little tissue fluid, which is discarded.
            reason = "plugged" if n.plugged else ("cortex" if tissue.is_cortex else "soft_tissue")
            self._emit(DRY_TAP, ml=cmd.ml, plugged=n.plugged, reason=reason, **self._where())
            return
        if tissue in ASPIRATE_OUTSIDE_MARROW:
            # Outside the ilium: no marrow, and harm. Blood from the pelvis or the notch's
            # vessels is lost to the donor; none of it goes into the bag.
            returned = ASPIRATE_OUTSIDE_MARROW[tissue]
            lost = cmd.ml if returned == "blood" else 0.0
            self.blood_lost_ml += lost
            self.circulation.draw(lost)
            self._emit(
                DANGER_ZONE_ASPIRATION,
                ml=cmd.ml,
                returned=returned,
                blood_lost_ml=lost,
                penetration=n.penetration,
                **self._where(),
            )
            return
        tip = n.tip()
        point = side_hole_point(tip, n.direction, n.rotation_deg)
        field = self.field(self._field_key(n.side, n.region), point)
        sample = self.yield_model.draw(field, point, cmd.ml, tip=tip)
        self.circulation.draw(cmd.ml)
        clotted = self._clot_rng.random() < self.clot_probability()
        if clotted:
            # The marrow clots in the syringe: the clot, and the cells in it, stay in the
            # filters; only the blood reaches the bag.
            lost = sample
            sample = self.yield_model.blood(cmd.ml)
        self.bag.add(sample)
        self._emit(
            "aspirated",
            ml=cmd.ml,
            marrow_ml=sample.marrow_ml,
            tnc=round(sample.tnc),
            cd34=round(sample.cd34),
            tnc_per_ml=round(sample.tnc_per_ml),
            penetration=n.penetration,
            rotation_deg=n.rotation_deg,
            bag_ml=self.bag.volume_ml,
            clotted=clotted,
            **self._where(),
        )
        if clotted:
            self._emit(
                SYRINGE_CLOTTED,
                ml=cmd.ml,
                marrow_ml=lost.marrow_ml,
                tnc_lost=round(lost.tnc - sample.tnc),
                penetration=n.penetration,
                message=CLOTTED_IN_SYRINGE,
                **self._where(),
            )
        if (
            self.bag.volume_ml > self.donor_limit_ml
            and DONOR_VOLUME_LIMIT_EXCEEDED not in self.critical
        ):
            self._emit(
                DONOR_VOLUME_LIMIT_EXCEEDED,
                bag_ml=self.bag.volume_ml,
                limit_ml=self.donor_limit_ml,
            )

    def clot_probability(self) -> float:
        """Chance that a pull's marrow clots in its syringe (physiology.toml)."""
        if self.anticoagulation["syringes"]:
            return 0.0
        p = table("physiology")
        factor = p.iv_heparin_clot_factor if self.anticoagulation["iv_heparin"] else 1.0
        return p.syringe_clot_probability * factor

    def _do_remove_needle(self, cmd: c.RemoveNeedle) -> None:
        n = self._require_needle("remove the needle")
        self.t_s += self.timing.remove_needle_s
        self._emit("needle_removed", site=n.site, depth_mm=n.depth_mm)
        self.needle = NeedleState()

    def _do_wait(self, cmd: c.Wait) -> None:
        self.t_s += cmd.s

    def _do_end(self, cmd: c.End) -> None:
        if self.needle.inserted:
            self._do_remove_needle(c.RemoveNeedle())
        self.ended = True
        self._emit("ended")

    # ------------------------------------------------------------------ outputs
    def metrics(self) -> dict[str, Any]:
        bag = self.bag
        return {
            "collected_ml": round(bag.volume_ml, 6),
            "tnc_total": round(bag.tnc),
            "tnc_per_ml": round(bag.tnc_per_ml),
            "tnc_per_kg_recipient": round(bag.tnc_per_kg_recipient),
            "cd34_total": round(bag.cd34),
            "cd34_per_kg_recipient": round(bag.cd34_per_kg_recipient),
            "marrow_ml": round(bag.marrow_ml, 6),
            "skin_sites": len(self.punctured),
            "bone_penetrations": self.bone_penetrations,
            "aspirations": self.aspirations,
            "max_pull_ml": round(self.max_pull_ml, 6),
            "procedure_s": round(self.t_s, 6),
            "donor_limit_ml": round(self.donor_limit_ml, 6),
            **self.circulation.summary(),
            "critical_errors": list(self.critical),
        }

    def digest(self) -> str:
        """SHA-256 of the canonical final state: replays must reproduce it exactly."""
        n = self.needle
        state = {
            "t_s": round(self.t_s, 9),
            "metrics": self.metrics(),
            "needle": {
                "site": n.site,
                "depth_mm": round(n.depth_mm, 9),
                "rotation_deg": round(n.rotation_deg, 9),
                "stylet_in": n.stylet_in,
            },
            "sites": [[s.landmark, s.lateral_mm, s.cranial_mm] for s in self.sites],
            "events": self.events,  # the whole log: a replay must reproduce every event
        }
        h = hashlib.sha256(json.dumps(state, sort_keys=True).encode())
        for side in sorted(self.fields):
            h.update(np.round(self.fields[side].level, 12).tobytes())
            h.update(np.float64(self.fields[side].drawn_ml).round(12).tobytes())
        return h.hexdigest()
