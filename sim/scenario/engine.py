"""The scenario engine: scripted events, the donor's state and the responses events require.

The attempt (sim/run/attempt.py) routes each command: needle commands to the simulation, procedure
steps (and ``request_cell_count``) to sim/scenario/steps.py, the other responses (``pause_harvest``,
``resume_harvest``, ``notify_anesthesia``, ``stop_harvest``) here.  Before a command runs,
:meth:`ScenarioEngine.admit` rejects what the scenario's state forbids (aspirating while paused
or after collection stopped, a new puncture once the sites are dressed, needle work in a nursing
scenario).  After it, :meth:`ScenarioEngine.after_command`

1. marks each required response whose deadline has passed as missed
   (``missed_required_response``; a critical error when the rubric lists it);
2. fires, once each and in file order, every scripted event whose trigger now holds: its message
   (``scenario_event``), its change to the donor's state (``donor_state``), its yield factor and
   the responses it requires (``response_required``, deadline = now + ``within_s``).

Triggers are checked against the clock at the end of the command, the bag volume, the events the
command caused (including those fired in the same check) and the metrics of :meth:`metrics`.
All events go into the simulation's one event log, stamped with the simulated clock.  The engine
reads no wall clock and draws no random numbers, so a replay reproduces it exactly.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from sim.errors import CommandRejected
from sim.i18n import N_
from sim.model.parameters import table
from sim.model.simulation import Simulation
from sim.scenario.schema import (
    Effect,
    Scenario,
    ScriptedEvent,
    Trigger,
)
from sim.vocabulary import commands as c
from sim.vocabulary.events import (
    ANAESTHETIST_ESCALATION,
    CONTINUATION_JUSTIFIED,
    DONOR_HYPOTENSION,
    DONOR_VOLUME_LIMIT_EXCEEDED,
    FLUIDS_GIVEN,
    MISSED_REQUIRED_RESPONSE,
    TRANSFUSION_INDICATED,
    UNITS_TRANSFUSED,
)

Status = Literal["pending", "made", "missed", "late"]
#: Needle commands a nursing scenario still accepts (the harvest itself is already done).
NURSING_NEEDLE_COMMANDS = ("wait", "end")

#: What the anaesthetist and the monitor say, in English in the events (and so in the records
#: and replays); the screens translate them when shown (sim/trainer/core_words.py), sentence by
#: sentence, each ``{name}`` a value.
BLOOD_PRESSURE = N_("blood pressure {bp} mmHg")
HEART_RATE = N_("heart rate {v}")
BEDSIDE_ALARM = N_("The bedside monitor alarms: {pressure}.")
SHE_IS_HYPOTENSIVE = N_("She is hypotensive.")
THEATRE_ALARM = N_("The anaesthetist's monitor alarms: {pressure}.")
#: (``{pct}`` is written with its % sign, e.g. "18%", so no msgid holds a %-format look-alike)
DONOR_HYPOTENSIVE = N_("The donor is hypotensive; {pct} of the blood volume has been drawn.")
ANAESTHETIST_STOPS = N_(
    "The anaesthetist stops you: the bag holds {per_kg} mL per kg of the donor, over the "
    "{limit} mL/kg limit; {pct} of the blood volume has been drawn and the haemoglobin is "
    "{hb} g/L."
)
HARVEST_STOPS_HERE = N_("The harvest stops here unless you justify going on (justify_continuing).")
TRANSFUSION_ASKED = N_(
    "The donor's haemoglobin is {hb} g/L, under {limit} g/L: the anaesthetist asks for a unit "
    "(transfuse)."
)
#: Why a command is refused, with values (the static ones are N_-marked where raised).
NOT_IN_NURSING = N_(
    "cannot {do}: this is a nursing scenario; the harvest is done (docs/nursing.md lists the "
    "nursing commands)"
)
NOT_IN_HARVEST = N_("cannot {do}: it is a nursing command; this is a harvest scenario")
COLLECTION_STOPPED = N_("cannot aspirate: collection has stopped ({why})")
SITES_DRESSED = N_("cannot {do}: the sites are already dressed ({why})")
ALREADY_STOPPED = N_("collection has already stopped ({why})")
UNITS_LEFT = (N_("only {n} {source} unit available"), N_("only {n} {source} units available"))
#: The messages with values, as ``{name}`` shapes (one sentence each, or a piece of a list).
MESSAGE_SHAPES = (
    NOT_IN_NURSING,
    NOT_IN_HARVEST,
    COLLECTION_STOPPED,
    SITES_DRESSED,
    ALREADY_STOPPED,
    *UNITS_LEFT,
    BLOOD_PRESSURE,
    BEDSIDE_ALARM,
    THEATRE_ALARM,
    DONOR_HYPOTENSIVE,
    ANAESTHETIST_STOPS,
    TRANSFUSION_ASKED,
)


@dataclass
class RequiredResponse:
    """One response a fired scripted event asked for, and what became of it."""

    id: str
    event: str
    response: str
    fired_s: float
    deadline_s: float
    status: Status = "pending"
    delay_s: float | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "event": self.event,
            "response": self.response,
            "fired_s": round(self.fired_s, 6),
            "deadline_s": round(self.deadline_s, 6),
            "status": self.status,
            "delay_s": None if self.delay_s is None else round(self.delay_s, 6),
        }


class ScenarioEngine:
    """Scenario state beside the simulation: donor state, pause/stop, scripted events."""

    def __init__(self, scenario: Scenario, sim: Simulation) -> None:
        self.scenario = scenario
        self.sim = sim
        self.timing = sim.timing
        #: The donor's state as the scenario and its scripted events set it; ``donor_state``
        #: is this with the circulation's effect on the vital signs (sim/model/circulation.py).
        self.base_state: dict[str, float | str] = dict(scenario.donor.vitals.model_dump())
        self.donor_state: dict[str, float | str] = {}
        self.hypotensive = False
        self.escalated = False
        #: The vital signs last announced in a ``donor_state`` event (the monitor shows them).
        self._shown: dict[str, float] = {}
        self.transfusion_flagged = False
        self.units_left = {
            "autologous": scenario.anaesthesia.autologous_units,
            "crossmatched": scenario.anaesthesia.crossmatched_units,
        }
        if scenario.handover is not None:  # the harvest before a nursing scenario
            circ = sim.circulation
            circ.draw(scenario.handover.collected_ml)
            # In recovery the volume has been made up; the red cells have not.
            circ.volume_ml = circ.blood_volume_0_ml
        self.refresh_state()
        self.fired: list[str] = []
        self.required: list[RequiredResponse] = []
        self.paused_since_s: float | None = None
        self.collection_stopped: str | None = None  # the command that stopped collection
        self.sites_closed: str | None = None  # the step that dressed the sites
        self.steps_done: list[str] = []
        self.last_pull: dict[str, Any] | None = None
        self._events = {ev.id: ev for ev in scenario.events}
        self._effects_done: set[tuple[str, str]] = set()
        #: ``later`` effects waiting for their time: (due_s, event id).
        self.scheduled: list[tuple[float, str]] = []

    # ------------------------------------------------------------------ state
    @property
    def paused(self) -> bool:
        return self.paused_since_s is not None

    @property
    def nursing(self) -> bool:
        return self.scenario.kind == "nursing"

    def skin_sites(self) -> int:
        """Skin punctures to close: the handover's in a nursing scenario, else those made."""
        if self.scenario.handover is not None:
            return self.scenario.handover.skin_sites
        return len(self.sim.punctured)

    def stop_collection(self, by: str) -> None:
        if self.collection_stopped is None:
            self.collection_stopped = by
        self.paused_since_s = None

    def metrics(self) -> dict[str, float | None]:
        """What a ``metric`` trigger can watch (``sim.scenario.schema.METRICS``, plus
        ``donor_state.<key>`` for each numeric value of the donor's state)."""
        m = self.sim.metrics()
        out: dict[str, float | None] = {
            k: v for k, v in m.items() if isinstance(v, int | float) and not isinstance(v, bool)
        }
        if m["collected_ml"] <= 0:
            out["tnc_per_ml"] = None  # no concentration until the bag holds something
        out["collected_ml_per_kg_donor"] = m["collected_ml"] / self.scenario.donor.weight_kg
        out["critical_error_count"] = len(m["critical_errors"])
        last = self.last_pull
        out["last_pull_ml"] = None if last is None else float(last["ml"])
        out["last_pull_tnc_per_ml"] = None if last is None else float(last["tnc_per_ml"])
        for key, value in self.donor_state.items():
            if isinstance(value, int | float):
                out[f"donor_state.{key}"] = float(value)
        return out

    def summary(self) -> dict[str, Any]:
        """The engine's state as JSON, for the attempt result and the UI."""
        return {
            "donor_state": dict(self.donor_state),
            "fired": list(self.fired),
            "responses": [r.as_dict() for r in self.required],
            "paused": self.paused,
            "collection_stopped": self.collection_stopped,
            "sites_closed": self.sites_closed,
            "steps_done": list(self.steps_done),
        }

    # ------------------------------------------------------------------ gate
    def admit(self, cmd: Any) -> None:
        """Reject a command the scenario's state forbids (raises CommandRejected)."""
        if self.sim.ended:
            raise CommandRejected(N_("the procedure has ended; no further commands"))
        do = cmd.do
        if self.nursing and do not in c.NURSING_ACCEPTS:
            raise CommandRejected(NOT_IN_NURSING.format(do=do), field="do")
        if not self.nursing and do in c.NURSING_NAMES:
            raise CommandRejected(NOT_IN_HARVEST.format(do=do), field="do")
        if do == "aspirate":
            if self.collection_stopped is not None:
                raise CommandRejected(COLLECTION_STOPPED.format(why=self.collection_stopped))
            if self.paused:
                raise CommandRejected(
                    N_("cannot aspirate: the harvest is paused; resume_harvest first")
                )
        if do in ("mark_site", "insert") and self.sites_closed is not None:
            raise CommandRejected(SITES_DRESSED.format(do=do, why=self.sites_closed))

    # ------------------------------------------------------------------ responses
    def respond(self, cmd: Any) -> None:
        """Carry out pause_harvest, resume_harvest, notify_anesthesia or stop_harvest."""
        do = cmd.do
        issued_s = self.sim.t_s
        extra: dict[str, Any] = {}
        if do == "pause_harvest":
            if self.collection_stopped is not None:
                raise CommandRejected(N_("cannot pause: collection has already stopped"))
            if self.paused:
                raise CommandRejected(N_("the harvest is already paused"))
        elif do == "resume_harvest":
            if not self.paused:
                raise CommandRejected(N_("cannot resume: the harvest is not paused"))
        elif do == "stop_harvest":
            if self.collection_stopped is not None and self.collection_stopped != "anaesthetist":
                raise CommandRejected(ALREADY_STOPPED.format(why=self.collection_stopped))
        elif do == "transfuse":
            left = self.units_left[cmd.source]
            if cmd.units > left:
                raise CommandRejected(
                    UNITS_LEFT[left != 1].format(n=left, source=cmd.source), field="units"
                )
        elif do == "justify_continuing":
            if self.collection_stopped != "anaesthetist":
                raise CommandRejected(
                    N_("nothing to justify: the anaesthetist has not stopped the harvest")
                )
        elif do not in ("notify_anesthesia", "notify_anaesthetist", "give_fluids"):
            raise CommandRejected(f"{do} is not a response the engine handles")
        self.sim.spend(self.timing[f"{c.canonical_response(do)}_s"])
        if do == "pause_harvest":
            self.paused_since_s = issued_s
        elif do == "resume_harvest":
            extra["paused_s"] = issued_s - (self.paused_since_s or issued_s)
            self.paused_since_s = None
        elif do == "stop_harvest":
            self.stop_collection("stop_harvest")
            extra["collected_ml"] = self.sim.bag.volume_ml
        elif do == "give_fluids":
            self.sim.circulation.infuse(cmd.ml, cmd.fluid)
            self.refresh_state()
            self.sim.emit(FLUIDS_GIVEN, ml=cmd.ml, fluid=cmd.fluid, by="trainee", **self._body())
        elif do == "transfuse":
            self.units_left[cmd.source] -= cmd.units
            self.sim.circulation.transfuse(cmd.units)
            self.refresh_state()
            self.sim.emit(UNITS_TRANSFUSED, units=cmd.units, source=cmd.source, **self._body())
        elif do == "justify_continuing":
            count = next((e for e in reversed(self.sim.events) if e["type"] == "cell_count"), None)
            target = self.scenario.targets.tnc_per_kg_recipient
            justified = count is not None and count["tnc_per_kg_recipient"] < target
            self.collection_stopped = None
            self.sim.emit(
                CONTINUATION_JUSTIFIED,
                reason=cmd.reason,
                justified=justified,
                last_count_tnc_per_kg_recipient=None
                if count is None
                else count["tnc_per_kg_recipient"],
                **self._body(),
            )
        self.refresh_state()
        self.answer(do, issued_s, unprompted=True, **extra)

    def answer(self, response: str, issued_s: float, *, unprompted: bool, **extra: Any) -> None:
        """Record that ``response`` was given at ``issued_s``: emits ``response_made`` for each
        requirement it answers (pending ones in time; missed ones late), or one with
        ``for: null`` when none was waiting and ``unprompted`` is set."""
        want = c.canonical_response(response)
        hits = [
            r
            for r in self.required
            if c.canonical_response(r.response) == want and r.status in ("pending", "missed")
        ]
        if not hits and unprompted:
            self.sim.emit(
                "response_made",
                response=response,
                delay_s=None,
                late=False,
                **{"for": None},
                **extra,
            )
        for req in hits:
            late = req.status == "missed"
            req.status = "late" if late else "made"
            req.delay_s = issued_s - req.fired_s
            self.sim.emit(
                "response_made",
                response=response,
                delay_s=req.delay_s,
                late=late,
                event=req.event,
                deadline_s=req.deadline_s,
                **{"for": req.id},
                **extra,
            )
        for event_id in dict.fromkeys(r.event for r in hits):
            self._check_resolved(event_id)

    def _already_given(self, response: str) -> bool:
        """A required response that the current state already satisfies."""
        if response == "pause_harvest":
            return self.paused or self.collection_stopped is not None
        if response == "stop_harvest":
            return self.collection_stopped is not None
        if response == "resume_harvest":
            return not self.paused and self.collection_stopped is None
        return False

    # ------------------------------------------------------------------ after each command
    def close(self) -> None:
        """The attempt is ending: every response still awaited is missed."""
        for req in self.required:
            if req.status == "pending":
                self._miss(req, at_end=True)

    def after_command(self, start: int) -> None:
        """The donor's body, deadlines, then triggers, after a command whose events start at
        ``start``."""
        for ev in self.sim.events[start:]:
            if ev["type"] == "aspirated":
                self.last_pull = ev
        if self.sim.ended:
            return
        self.body_checks(start)
        now = self.sim.t_s
        for req in self.required:
            if req.status == "pending" and now > req.deadline_s:
                self._miss(req, at_end=False)
        for due_s, event_id in list(self.scheduled):
            if now >= due_s:
                self.scheduled.remove((due_s, event_id))
                later = self._events[event_id].later
                assert later is not None
                self._apply_effect(event_id, "later", later)
        fired = True
        while fired:  # an event fired now may trigger another (on_event); each fires once
            fired = False
            metrics: dict[str, float | None] | None = None
            for ev in self.scenario.events:
                if ev.id in self.fired:
                    continue
                if ev.trigger.metric is not None and metrics is None:
                    metrics = self.metrics()
                if self._holds(ev.trigger, start, metrics):
                    self._fire(ev)
                    fired = True
                    break

    def _holds(self, trig: Trigger, start: int, metrics: dict[str, float | None] | None) -> bool:
        if trig.at_s is not None:
            return self.sim.t_s >= trig.at_s
        if trig.collected_ml is not None:
            return self.sim.bag.volume_ml >= trig.collected_ml
        if trig.on_event is not None:
            return any(
                ev["type"] == trig.on_event and all(ev.get(k) == v for k, v in trig.where.items())
                for ev in self.sim.events[start:]
            )
        assert metrics is not None and trig.metric is not None
        value = metrics.get(trig.metric)
        if value is None:
            return False
        if trig.above is not None:
            return value > trig.above
        return value < trig.below  # type: ignore[operator]

    def _fire(self, ev: ScriptedEvent) -> None:
        self.fired.append(ev.id)
        now = self.sim.t_s
        fields: dict[str, Any] = {"trigger": ev.trigger.kind}
        if ev.yield_factor is not None:
            self.sim.yield_model.scale_richness(ev.yield_factor)
            fields["yield_factor"] = ev.yield_factor
        self.sim.emit("scenario_event", id=ev.id, phase="fired", message=ev.message, **fields)
        if ev.donor_state:
            self._change_state(ev.id, ev.donor_state)
        for r in ev.require:
            req = RequiredResponse(
                ev.requirement_id(r.response), ev.id, r.response, now, now + r.within_s
            )
            self.required.append(req)
            self.sim.emit(
                "response_required",
                id=req.id,
                event=ev.id,
                response=r.response,
                deadline_s=req.deadline_s,
                within_s=r.within_s,
            )
            if self._already_given(r.response):
                req.status, req.delay_s = "made", 0.0
                self.sim.emit(
                    "response_made",
                    response=r.response,
                    delay_s=0.0,
                    late=False,
                    event=ev.id,
                    deadline_s=req.deadline_s,
                    already=True,
                    **{"for": req.id},
                )
        if ev.require:
            self._check_resolved(ev.id)
        if ev.later is not None:
            self.scheduled.append((now + 60.0 * ev.later.after_min, ev.id))

    def _miss(self, req: RequiredResponse, *, at_end: bool) -> None:
        req.status = "missed"
        self.sim.emit(
            MISSED_REQUIRED_RESPONSE,
            id=req.id,
            event=req.event,
            response=req.response,
            deadline_s=req.deadline_s,
            at_end=at_end,
        )
        if MISSED_REQUIRED_RESPONSE in self.scenario.rubric.critical_errors:
            self.sim.add_critical(MISSED_REQUIRED_RESPONSE)
        effect = self._events[req.event].after_miss
        if effect is not None:
            self._apply_effect(req.event, "missed", effect)

    def _check_resolved(self, event_id: str) -> None:
        reqs = [r for r in self.required if r.event == event_id]
        ev = self._events[event_id]
        if ev.after_response is not None and all(r.status in ("made", "late") for r in reqs):
            self._apply_effect(event_id, "resolved", ev.after_response)

    def _apply_effect(self, event_id: str, phase: str, effect: Effect) -> None:
        if (event_id, phase) in self._effects_done:
            return
        self._effects_done.add((event_id, phase))
        if effect.fluid_replacement is not None:
            self.sim.circulation.replacement = effect.fluid_replacement
        if effect.fluids_ml:
            self.sim.circulation.infuse(effect.fluids_ml, effect.fluid)
            self.refresh_state()
            self.sim.emit(
                FLUIDS_GIVEN,
                ml=effect.fluids_ml,
                fluid=effect.fluid,
                by="anaesthetist",
                **self._body(),
            )
            self.refresh_state()
        if effect.takes_s:
            self.sim.spend(effect.takes_s)
        if effect.message is not None:
            self.sim.emit("scenario_event", id=event_id, phase=phase, message=effect.message)
        if effect.donor_state:
            self._change_state(event_id, effect.donor_state)

    def _change_state(self, source: str, changes: dict[str, float | str]) -> None:
        self.base_state.update(changes)
        self.refresh_state()
        self.sim.emit("donor_state", id=source, changes=dict(changes), state=dict(self.donor_state))

    # ------------------------------------------------------------------ the donor's body
    def _body(self) -> dict[str, Any]:
        """The circulation now, for the body's events."""
        circ = self.sim.circulation
        return {
            "blood_volume_drawn_pct": round(circ.drawn_pct, 3),
            "deficit_pct": round(circ.deficit_pct, 3),
            "hb_g_l": round(circ.hb_g_l, 1),
            "systolic_mmhg": self.donor_state.get("systolic_mmhg"),
            "heart_rate_bpm": self.donor_state.get("heart_rate_bpm"),
        }

    def refresh_state(self) -> None:
        """``donor_state``: the scripted state, moved by what the circulation has lost."""
        state = dict(self.base_state)
        for key, delta in self.sim.circulation.vital_changes().items():
            value = state.get(key)
            if isinstance(value, int | float) and not isinstance(value, bool):
                state[key] = round(float(value) + delta, 1)
        state["hb_g_l"] = round(self.sim.circulation.hb_g_l, 1)
        state["blood_volume_drawn_pct"] = round(self.sim.circulation.drawn_pct, 1)
        self.donor_state = state

    def _announce_vitals(self) -> None:
        """A ``donor_state`` event (the monitor) once the circulation has moved a vital sign by
        a visible step since the last one."""
        steps = {"systolic_mmhg": 2.0, "diastolic_mmhg": 2.0, "heart_rate_bpm": 2.0, "hb_g_l": 5.0}
        now = {k: self.donor_state[k] for k in steps if isinstance(self.donor_state.get(k), float)}
        if not self._shown:
            self._shown = dict(now)
            return
        moved = {k: v for k, v in now.items() if abs(v - self._shown.get(k, v)) >= steps[k]}
        if moved:
            self._shown = dict(now)
            self.sim.emit(
                "donor_state", id="circulation", changes=moved, state=dict(self.donor_state)
            )

    def body_checks(self, start: int) -> None:
        """The anaesthetist reads the donor: hypotension, the donor limit, a transfusion."""
        self.refresh_state()
        self._announce_vitals()
        p = table("physiology")
        systolic = self.donor_state.get("systolic_mmhg")
        if isinstance(systolic, int | float):
            if systolic < p.hypotension_systolic_mmhg and not self.hypotensive:
                self.hypotensive = True
                body = self._body()
                diastolic = self.donor_state.get("diastolic_mmhg", 0)
                pressure = (
                    BLOOD_PRESSURE.format(bp=f"{systolic:.0f}/{diastolic:.0f}")
                    + ", "
                    + HEART_RATE.format(v=f"{self.donor_state.get('heart_rate_bpm', 0):.0f}")
                )
                message = (
                    BEDSIDE_ALARM.format(pressure=pressure) + " " + SHE_IS_HYPOTENSIVE
                    if self.nursing
                    else THEATRE_ALARM.format(pressure=pressure)
                    + " "
                    + DONOR_HYPOTENSIVE.format(pct=f"{body['blood_volume_drawn_pct']:.0f}%")
                )
                self.sim.emit(
                    DONOR_HYPOTENSION,
                    diastolic_mmhg=self.donor_state.get("diastolic_mmhg"),
                    message=message,
                    **body,
                )
            elif systolic >= p.hypotension_systolic_mmhg + 5.0:
                self.hypotensive = False
        limit = any(ev["type"] == DONOR_VOLUME_LIMIT_EXCEEDED for ev in self.sim.events[start:])
        if limit and not self.escalated:
            self.escalated = True
            self.stop_collection("anaesthetist")
            body = self._body()
            per_kg = self.sim.bag.volume_ml / self.scenario.donor.weight_kg
            self.sim.emit(
                ANAESTHETIST_ESCALATION,
                collected_ml=self.sim.bag.volume_ml,
                collected_ml_per_kg_donor=round(per_kg, 3),
                message=ANAESTHETIST_STOPS.format(
                    per_kg=f"{per_kg:.1f}",
                    limit=f"{self.scenario.targets.donor_limit_ml_per_kg:g}",
                    pct=f"{body['blood_volume_drawn_pct']:.0f}%",
                    hb=f"{body['hb_g_l']:.0f}",
                )
                + " "
                + HARVEST_STOPS_HERE,
                **body,
            )
        hb = self.sim.circulation.hb_g_l
        if hb < p.transfusion_hb_g_l and not self.transfusion_flagged:
            self.transfusion_flagged = True
            self.sim.emit(
                TRANSFUSION_INDICATED,
                message=TRANSFUSION_ASKED.format(
                    hb=f"{hb:.0f}", limit=f"{p.transfusion_hb_g_l:.0f}"
                ),
                **self._body(),
            )
