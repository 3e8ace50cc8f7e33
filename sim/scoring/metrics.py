"""Metrics of an attempt, read from its event log in one pass.

The scoring criteria judge these metrics, never the simulation's internal state, so a recorded
attempt, a replay and a live one score the same (docs/architecture.md: "scoring and the debrief
read the event log").  Positions are in the PSIS-local frame of each side (mm): ``u`` lateral,
``v`` cranial, ``w`` depth below the skin.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sim.model.anatomy import direction
from sim.vocabulary.events import (
    CRITICAL_EVENTS,
    NEEDLE_DANGER_EVENTS,
    TISSUE_BOUNDARY_EVENTS,
    WITHDRAWAL_EVENTS,
)
from sim.vocabulary.technique import Thresholds

Vec3 = tuple[float, float, float]

#: Events emitted while the needle is still moving (at a tissue boundary): they do not tell
#: where the tip came to rest.
#: Events that move the tip back: they report where it had come to rest (``from_mm``).
WITHDRAWALS = WITHDRAWAL_EVENTS

BOUNDARY_EVENTS = TISSUE_BOUNDARY_EVENTS


@dataclass(slots=True)
class SiteMark:
    """A marked skin site and whether the needle went through it."""

    index: int
    landmark: str
    lateral_mm: float
    cranial_mm: float
    x_mm: float
    y_mm: float
    zone: str
    punctured: bool = False

    @property
    def side(self) -> str:
        """The ilium the site reaches: ``left``/``right`` (posterior crest) or
        ``left_anterior``/``right_anterior`` (anterior crest)."""
        side = "left" if self.landmark.startswith("left") else "right"
        return f"{side}_anterior" if self.anterior else side

    @property
    def anterior(self) -> bool:
        return self.landmark.endswith("_asis")

    @property
    def hip(self) -> str:
        return "left" if self.landmark.startswith("left") else "right"


@dataclass(slots=True)
class Track:
    """One aim of the needle (insert or redirect) that reached bone or beyond."""

    site: int
    lateral_deg: float
    cranial_deg: float
    t_s: float
    direction: Vec3 = (0.0, 0.0, 1.0)
    reached_bone: bool = False
    skidded: bool = False
    critical: list[str] = field(default_factory=list)
    #: Through an ASIS site: the anterior iliac crest, judged against its own aim.
    anterior: bool = False


@dataclass(slots=True)
class Penetration:
    """One entry into the marrow through the outer table (a loss of resistance)."""

    number: int
    site: int
    t_s: float
    lor_depth_mm: float
    stop_depth_mm: float | None = None
    inner_contacts: int = 0
    critical: list[str] = field(default_factory=list)
    fully_inserted: bool = False
    ml: float = 0.0
    pulls: int = 0


@dataclass(slots=True)
class Pull:
    """One aspiration (a pull of the plunger), wherever the tip was."""

    t_s: float
    ml: float
    tissue: str
    penetration: int
    site: int | None
    depth_mm: float
    rotation_deg: float
    side: str | None
    tip: Vec3 | None
    dry: bool = False
    plugged: bool = False
    #: Why nothing usable came back: plugged, cortex, soft_tissue, or danger_zone.
    reason: str | None = None
    #: The marrow clotted in the syringe (unheparinised): only its blood reached the bag.
    clotted: bool = False
    tnc: float = 0.0
    tnc_per_ml: float = 0.0
    marrow_ml: float = 0.0
    #: Tip movement and needle rotation since the previous marrow pull of the same penetration
    #: (None for the first pull of a penetration).
    moved_mm: float | None = None
    turned_deg: float | None = None
    #: (moved mm, turned deg) against the nearest of the earlier marrow pulls of the same
    #: penetration (up to EARLIER_PULLS_COMPARED back), so a pull back at a drained spot
    #: (turned 180 and back) is seen, not only against the last pull.
    nearest_earlier: tuple[float, float] | None = None
    #: Earlier marrow pulls of the same penetration at this depth (within the fresh-move
    #: distance): how many times this spot's drained tip zone has been drawn from already.
    same_depth_pulls: int = 0

    @property
    def in_marrow(self) -> bool:
        return not self.dry and self.tissue == "marrow"


@dataclass(slots=True)
class ResponseRecord:
    """A response the scenario required, and what the trainee did about it."""

    id: str
    response: str
    t_s: float
    #: How long the trainee had (s from the call).
    within_s: float
    delay_s: float | None = None
    missed: bool = False


@dataclass(slots=True)
class AttemptMetrics:
    """Everything the criteria need, in plain numbers."""

    sites: dict[int, SiteMark] = field(default_factory=dict)
    tracks: list[Track] = field(default_factory=list)
    penetrations: dict[int, Penetration] = field(default_factory=dict)
    pulls: list[Pull] = field(default_factory=list)
    steps: list[dict[str, Any]] = field(default_factory=list)
    cell_counts: list[dict[str, Any]] = field(default_factory=list)
    responses: dict[str, ResponseRecord] = field(default_factory=dict)
    critical: list[dict[str, Any]] = field(default_factory=list)
    near_notch: int = 0
    stalls: int = 0
    collected_ml: float = 0.0
    tnc: float = 0.0
    cd34: float = 0.0
    first_puncture_s: float | None = None
    first_pull_s: float | None = None
    last_needle_s: float | None = None
    end_s: float = 0.0
    ended: bool = False
    #: The donor as drawn for the attempt (``donor_profile``), when the log has it.
    donor: dict[str, Any] | None = None
    #: The donor's body: the anaesthetist's escalation at the limit, continuations justified.
    escalations: list[dict[str, Any]] = field(default_factory=list)
    continuations: list[dict[str, Any]] = field(default_factory=list)

    @property
    def punctured_sites(self) -> list[SiteMark]:
        return [s for s in self.sites.values() if s.punctured]

    @property
    def marrow_pulls(self) -> list[Pull]:
        return [p for p in self.pulls if p.in_marrow]

    @property
    def tnc_per_ml(self) -> float:
        return self.tnc / self.collected_ml if self.collected_ml > 0 else 0.0

    @property
    def critical_codes(self) -> list[str]:
        """Distinct critical codes, in the order they first happened."""
        seen: list[str] = []
        for c in self.critical:
            if c["code"] not in seen:
                seen.append(c["code"])
        return seen

    @property
    def needle_work(self) -> bool:
        return bool(self.tracks or self.pulls or self.punctured_sites)


class _Reader:
    """The running state needed to interpret one event after another."""

    def __init__(self, thresholds: Thresholds) -> None:
        self.t = thresholds
        self.m = AttemptMetrics()
        self.track: Track | None = None
        self.track_site: int | None = None
        self.rotation_deg = 0.0
        self.penetration = 0
        self.awaiting_stop: Penetration | None = None
        self.marrow_pulls: dict[int, list[Pull]] = {}
        self.handlers = {
            name[4:]: getattr(self, name) for name in dir(self) if name.startswith("_on_")
        }

    # ------------------------------------------------------------------ helpers
    def _tip(self, depth_mm: float) -> tuple[str | None, Vec3 | None]:
        t = self.track
        site = self.m.sites.get(t.site) if t is not None else None
        if t is None or site is None:
            return None, None
        d = t.direction
        return site.side, (
            site.lateral_mm + depth_mm * d[0],
            site.cranial_mm + depth_mm * d[1],
            depth_mm * d[2],
        )

    def _current_pen(self) -> Penetration | None:
        return self.m.penetrations.get(self.penetration)

    # ------------------------------------------------------------------ dispatch
    def read(self, ev: Mapping[str, Any]) -> None:
        kind = ev.get("type")
        t_s = float(ev.get("t_s", 0.0))
        self.m.end_s = max(self.m.end_s, t_s)
        if (
            self.awaiting_stop is not None
            and kind not in BOUNDARY_EVENTS
            and ev.get("depth_mm") is not None
        ):
            # A withdrawal reports where the tip had come to rest before it (``from_mm``).
            rest = ev.get("from_mm") if kind in WITHDRAWALS else None
            self.awaiting_stop.stop_depth_mm = float(rest if rest is not None else ev["depth_mm"])
            self.awaiting_stop = None
        handler = self.handlers.get(str(kind))
        if handler is not None:
            handler(ev, t_s)
        if kind in CRITICAL_EVENTS:
            self._critical(str(kind), ev, t_s)

    def _critical(self, code: str, ev: Mapping[str, Any], t_s: float) -> None:
        self.m.critical.append({"code": code, "t_s": t_s, "event": dict(ev)})
        if code in NEEDLE_DANGER_EVENTS:
            if self.track is not None:
                self.track.reached_bone = True
                self.track.critical.append(code)
            pen = self._current_pen()
            if pen is not None and ev.get("site") == pen.site:
                pen.critical.append(code)

    # ------------------------------------------------------------------ event handlers
    def _on_site_marked(self, ev, t_s) -> None:
        idx = int(ev["site"])
        self.m.sites[idx] = SiteMark(
            idx,
            str(ev.get("landmark", "")),
            float(ev.get("lateral_mm", 0.0)),
            float(ev.get("cranial_mm", 0.0)),
            float(ev.get("x_mm", 0.0)),
            float(ev.get("y_mm", 0.0)),
            str(ev.get("zone", "safe")),
        )

    def _new_track(self, ev, t_s) -> None:
        site = int(ev.get("site", self.track_site if self.track_site is not None else -1))
        self.track_site = site
        lat, cra = float(ev["lateral_deg"]), float(ev["cranial_deg"])
        self.track = Track(site, lat, cra, t_s, direction(lat, cra))
        mark = self.m.sites.get(site)
        self.track.anterior = mark is not None and mark.anterior
        self.m.tracks.append(self.track)

    def _on_skin_punctured(self, ev, t_s) -> None:
        site = self.m.sites.get(int(ev["site"]))
        if site is not None:
            site.punctured = True
        if self.m.first_puncture_s is None:
            self.m.first_puncture_s = t_s
        self.rotation_deg = 0.0
        self._new_track(ev, t_s)

    def _on_needle_reinserted(self, ev, t_s) -> None:
        self.rotation_deg = 0.0
        self._new_track(ev, t_s)

    def _on_redirected(self, ev, t_s) -> None:
        self._new_track(ev, t_s)

    def _on_cortex_entered(self, ev, t_s) -> None:
        if self.track is not None:
            self.track.reached_bone = True

    def _on_loss_of_resistance(self, ev, t_s) -> None:
        number = int(ev.get("penetration", self.penetration))
        depth = float(ev["depth_mm"])
        pen = self.m.penetrations.get(number)
        if pen is None:
            pen = Penetration(number, int(ev.get("site", -1)), t_s, depth)
            self.m.penetrations[number] = pen
        self.penetration = number
        self.awaiting_stop = pen
        if self.track is not None:
            self.track.reached_bone = True

    def _on_inner_cortex_contact(self, ev, t_s) -> None:
        pen = self._current_pen()
        if pen is not None:
            pen.inner_contacts += 1

    def _on_needle_fully_inserted(self, ev, t_s) -> None:
        pen = self._current_pen()
        if pen is not None:
            pen.fully_inserted = True

    def _on_needle_skived(self, ev, t_s) -> None:
        if self.track is not None:
            self.track.skidded = True
            self.track.reached_bone = True

    def _on_needle_stalled(self, ev, t_s) -> None:
        self.m.stalls += 1

    def _on_near_sciatic_notch(self, ev, t_s) -> None:
        self.m.near_notch += 1

    def _on_rotated(self, ev, t_s) -> None:
        self.rotation_deg = float(ev.get("rotation_deg", self.rotation_deg))

    def _on_needle_removed(self, ev, t_s) -> None:
        self.m.last_needle_s = t_s
        self.track = None

    def _pull(self, ev, t_s, *, dry: bool) -> None:
        depth = float(ev.get("depth_mm", 0.0))
        rotation = float(ev.get("rotation_deg", self.rotation_deg))
        self.rotation_deg = rotation
        number = int(ev.get("penetration", self.penetration))
        side, tip = self._tip(depth)
        pull = Pull(
            t_s=t_s,
            ml=float(ev.get("ml", 0.0)),
            tissue=str(ev.get("tissue", "")),
            penetration=number,
            site=int(ev["site"]) if ev.get("site") is not None else None,
            depth_mm=depth,
            rotation_deg=rotation,
            side=side,
            tip=tip,
            dry=dry,
            plugged=bool(ev.get("plugged", False)),
            reason=ev.get("reason"),
        )
        if self.m.first_pull_s is None:
            self.m.first_pull_s = t_s
        if not dry:
            pull.tnc = float(ev.get("tnc", 0.0))
            pull.tnc_per_ml = float(ev.get("tnc_per_ml", 0.0))
            pull.marrow_ml = float(ev.get("marrow_ml", 0.0))
            self.m.collected_ml += pull.ml
            self.m.tnc += pull.tnc
            self.m.cd34 += float(ev.get("cd34", 0.0))
        if pull.in_marrow:
            earlier = self.marrow_pulls.setdefault(number, [])
            if earlier:
                pull.moved_mm, pull.turned_deg = _separation(pull, earlier[-1])
                pull.nearest_earlier = min(
                    (_separation(pull, q) for q in earlier[-EARLIER_PULLS_COMPARED:]),
                    key=lambda sep: _closeness(sep, self.t),
                )
                pull.same_depth_pulls = sum(
                    abs(q.depth_mm - pull.depth_mm) < self.t.fresh_move_mm
                    for q in earlier[-EARLIER_PULLS_COMPARED:]
                )
            earlier.append(pull)
            pen = self.m.penetrations.get(number)
            if pen is not None:
                pen.ml += pull.ml
                pen.pulls += 1
        self.m.pulls.append(pull)

    def _on_aspirated(self, ev, t_s) -> None:
        self._pull(ev, t_s, dry=False)

    def _on_dry_tap(self, ev, t_s) -> None:
        self._pull(ev, t_s, dry=True)

    def _on_syringe_clotted(self, ev, t_s) -> None:
        if self.m.pulls:
            self.m.pulls[-1].clotted = True

    def _on_danger_zone_aspiration(self, ev, t_s) -> None:
        self._pull({**ev, "reason": "danger_zone"}, t_s, dry=True)

    def _on_step_done(self, ev, t_s) -> None:
        self.m.steps.append({**ev, "t_s": t_s})

    def _on_cell_count(self, ev, t_s) -> None:
        self.m.cell_counts.append({**ev, "t_s": t_s})

    def _on_response_required(self, ev, t_s) -> None:
        rid = str(ev.get("id", ev.get("response", "")))
        if ev.get("within_s") is not None:
            within = float(ev["within_s"])
        else:  # an absolute deadline (sim/scenario/engine.py), or a window when it lies in the past
            deadline = float(ev.get("deadline_s", 0.0))
            within = deadline - t_s if deadline > t_s else deadline
        self.m.responses[rid] = ResponseRecord(rid, str(ev.get("response", "")), t_s, within)

    def _on_response_made(self, ev, t_s) -> None:
        if "for" in ev and ev["for"] is None:
            return  # unprompted: nothing was waiting for it
        rec = self.m.responses.get(str(ev.get("for", "")))
        if rec is None:  # matched by response name when the event does not say which
            rec = next(
                (
                    r
                    for r in self.m.responses.values()
                    if r.response == ev.get("response") and r.delay_s is None and not r.missed
                ),
                None,
            )
        if rec is not None and rec.delay_s is None:
            delay = ev.get("delay_s")
            rec.delay_s = float(delay) if delay is not None else t_s - rec.t_s

    def _on_missed_required_response(self, ev, t_s) -> None:
        rid = str(ev.get("id", ""))
        rec = self.m.responses.get(rid)
        if rec is None:
            rec = ResponseRecord(rid, str(ev.get("response", "")), t_s, 0.0)
            self.m.responses[rid] = rec
        rec.missed = True

    def _on_ended(self, ev, t_s) -> None:
        self.m.ended = True

    def _on_donor_profile(self, ev, t_s) -> None:
        self.m.donor = dict(ev)

    def _on_anaesthetist_escalation(self, ev, t_s) -> None:
        self.m.escalations.append(dict(ev))

    def _on_continuation_justified(self, ev, t_s) -> None:
        self.m.continuations.append(dict(ev))


def read_metrics(
    events: Iterable[Mapping[str, Any]], thresholds: Thresholds | None = None
) -> AttemptMetrics:
    """Interpret an event log (``Simulation.events`` or a result's ``events``)."""
    reader = _Reader(thresholds or Thresholds())
    for ev in events:
        reader.read(ev)
    return reader.m


class MetricsFollower:
    """The metrics of an event log that grows, read incrementally: each ``update`` reads only
    the events appended since the last one (the log is read in one pass, so the result is the
    same as ``read_metrics`` of the whole log).  Practice coaching and the tutorial judge every
    pull as it happens; re-reading the whole log each time was quadratic in the pulls."""

    def __init__(self, thresholds: Thresholds | None = None) -> None:
        self.thresholds = thresholds or Thresholds()
        self._events: list | None = None
        self._reset(None)

    def _reset(self, events: list | None) -> None:
        self._reader = _Reader(self.thresholds)
        self._events = events
        self._read = 0
        self._pulls_seen = 0
        #: Marrow pulls so far, and the last of them (``AttemptMetrics.marrow_pulls`` is a list
        #: built on each call).
        self.marrow_count = 0
        self.last_marrow: Pull | None = None

    @property
    def metrics(self) -> AttemptMetrics:
        return self._reader.m

    def update(self, events: list) -> AttemptMetrics:
        if events is not self._events or len(events) < self._read:
            self._reset(events)
        reader = self._reader
        for i in range(self._read, len(events)):
            reader.read(events[i])
        self._read = len(events)
        pulls = reader.m.pulls
        for i in range(self._pulls_seen, len(pulls)):
            if pulls[i].in_marrow:
                self.marrow_count += 1
                self.last_marrow = pulls[i]
        self._pulls_seen = len(pulls)
        return reader.m


_FOLLOWERS: dict[Thresholds, MetricsFollower] = {}


def follow_metrics(events: list, thresholds: Thresholds | None = None) -> MetricsFollower:
    """The follower of ``events`` (one log at a time per thresholds table: a new log starts
    over), brought up to date."""
    t = thresholds or Thresholds()
    follower = _FOLLOWERS.get(t)
    if follower is None:
        if len(_FOLLOWERS) > 4:
            _FOLLOWERS.clear()
        follower = _FOLLOWERS[t] = MetricsFollower(t)
    follower.update(events)
    return follower


#: How many earlier pulls of a penetration a pull is compared with (bounds the cost).
EARLIER_PULLS_COMPARED = 16


def _closeness(sep: tuple[float, float], t: Thresholds) -> float:
    """A move and a turn made comparable by the fresh-marrow thresholds (technique table)."""
    return max(sep[0] / t.fresh_move_mm, sep[1] / t.fresh_rotation_deg)


def _separation(pull: Pull, earlier: Pull) -> tuple[float, float]:
    """How far the tip moved (mm) and the needle turned (deg) between two pulls."""
    turn = abs(pull.rotation_deg - earlier.rotation_deg) % 360.0
    return abs(pull.depth_mm - earlier.depth_mm), min(turn, 360.0 - turn)
