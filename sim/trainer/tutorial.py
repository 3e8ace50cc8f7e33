"""Tutorial mode: a guided, step-by-step harvest with the reason for every step.

A ``Tutorial`` walks the trainee through one penetration cycle and the steps around it.  Each
step says what to do and why (from clinical.md and the patient-education seed text), which
commands it allows, and when it is done.  ``gate(command)`` refuses a command the current step
does not allow, with a hint; ``observe(command, events)`` advances when the step is complete.
``ideal_track()`` gives the ghost needle the trainer draws.  Headless and pure: the trainer window,
tests and scripts all use it the same way.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sim.i18n import _
from sim.model.simulation import Event, Simulation
from sim.model.tissue import Tissue
from sim.scoring.criteria.aspiration import is_fresh
from sim.scoring.metrics import follow_metrics
from sim.vocabulary.commands import COMMAND_NAMES
from sim.vocabulary.events import LOSS_OF_RESISTANCE
from sim.vocabulary.technique import Thresholds

Done = Callable[[Any, list[Event], Simulation], bool]

#: Commands that are always allowed: they change nothing a step depends on.
ALWAYS = frozenset({"wait"})


@dataclass(frozen=True)
class TutorialStep:
    id: str
    title: str
    instruction: str
    why: str
    allowed: frozenset[str]
    done: Done
    hint: str = ""


@dataclass(frozen=True)
class GateResult:
    allowed: bool
    hint: str = ""


def _types(events: list[Event]) -> set[str]:
    return {e["type"] for e in events}


def _near_psis(cmd: Any, events: list[Event], sim: Simulation) -> bool:
    return (
        cmd.do == "mark_site"
        and abs(cmd.lateral_mm) <= 12
        and abs(cmd.cranial_mm) <= 12
        and any(e.get("zone") == "safe" for e in events)
    )


def _second_side(cmd: Any, events: list[Event], sim: Simulation) -> bool:
    return _near_psis(cmd, events, sim) and len({s.side for s in sim.sites}) == 2


def _aimed(cmd: Any, events: list[Event], sim: Simulation) -> bool:
    """Inserted, or redirected in the fat, toward the ASIS."""
    t = Thresholds()
    lat_lo, lat_hi = t.lateral_band_deg
    cra_lo, cra_hi = t.cranial_band_deg
    return (
        cmd.do in ("insert", "redirect")
        and lat_lo <= cmd.lateral_deg <= lat_hi
        and cra_lo <= cmd.cranial_deg <= cra_hi
    )


#: The trainee's hand moving the needle on: a step that needs the needle at rest waits until the
#: hand lets go (any other command), so the tutorial never stops the needle for the trainee.
HAND_MOVES = ("press", "push")


def _at_rest_in_marrow(cmd: Any, events: list[Event], sim: Simulation) -> bool:
    """The tip is in the marrow and the hand has let go: a scripted ``advance`` that stopped at
    the give, or the first other command after the trainee let go of the needle there."""
    if cmd.do in HAND_MOVES:
        return False
    if cmd.do == "advance" and LOSS_OF_RESISTANCE in _types(events):
        return True
    return sim.needle.tissue == Tissue.MARROW and sim.bone_penetrations >= 1


def _in_marrow(cmd: Any, events: list[Event], sim: Simulation) -> bool:
    return _at_rest_in_marrow(cmd, events, sim)


def _small_pull(cmd: Any, events: list[Event], sim: Simulation) -> bool:
    return (
        cmd.do == "aspirate"
        and cmd.ml <= Thresholds().pull_good_ml
        and "aspirated" in _types(events)
        and any(e.get("tissue") == "marrow" for e in events)
    )


def _fresh_spot_pull(cmd: Any, events: list[Event], sim: Simulation) -> bool:
    """A small pull from fresh marrow, as the scoring judges it: turned or moved far enough from
    every earlier pull of this penetration (the technique table's fresh-marrow thresholds)."""
    if not _small_pull(cmd, events, sim):
        return False
    follower = follow_metrics(sim.events)  # read incrementally: the log only grows
    last = follower.last_marrow
    if follower.marrow_count < 2 or last is None or last.moved_mm is None:
        return False
    return is_fresh(last, Thresholds())


def _new_penetration(cmd: Any, events: list[Event], sim: Simulation) -> bool:
    return sim.bone_penetrations >= 2 and _at_rest_in_marrow(cmd, events, sim)


def _is(name: str) -> Done:
    return lambda cmd, events, sim: cmd.do == name


def _steps() -> list[TutorialStep]:
    has = set(COMMAND_NAMES)
    th = Thresholds()
    ideal = f"{th.ideal_lateral_deg:g}"
    lat_lo, lat_hi = th.lateral_band_deg
    cra_lo, cra_hi = th.cranial_band_deg
    pull = f"{th.pull_good_ml:g} mL"
    steps: list[TutorialStep] = []
    if "time_out" in has:
        steps.append(
            TutorialStep(
                "time_out",
                _("Time-out"),
                _("Confirm the donor's identity, the procedure and the sites with the team."),
                _(
                    "A time-out is the first item of the bone marrow procedure checklist (Khan & "
                    "Mohyuddin, OncLive 2012)."
                ),
                frozenset({"time_out"}),
                _is("time_out"),
                _("Start with the time-out."),
            )
        )
    steps += [
        TutorialStep(
            "mark_left",
            _("Find the left PSIS"),
            _(
                "Hover over the lower back to feel for the bony dimple of the left posterior "
                "superior iliac spine (PSIS), then mark a skin site over it."
            ),
            _(
                "The posterior iliac crest at the PSIS is the preferred harvest site; the front of "
                "the hip bone is only a backup (Cleveland Clinic; St. Jude)."
            ),
            frozenset({"mark_site"}),
            _near_psis,
            _("Mark the site within about 1 cm of the PSIS dimple, not medial toward the sacrum."),
        ),
        TutorialStep(
            "mark_right",
            _("Mark the other side"),
            _("Mark a second site over the right PSIS."),
            _(
                "Most harvests use 2-4 skin punctures in all, with many needle passes through each "
                "(St. Jude). Fewer skin holes mean fewer wounds to dress."
            ),
            frozenset({"mark_site"}),
            _second_side,
            _("Mark the second site over the right PSIS."),
        ),
        TutorialStep(
            "aim",
            _("Aim toward the front of the hip"),
            _(
                "Insert the needle at the left site aimed about {ideal} degrees lateral, toward "
                "the anterior superior iliac spine (ASIS), and level or a little toward the head. "
                "The ghost needle shows the ideal track."
            ).format(ideal=ideal),
            _(
                "Aimed {ideal} degrees lateral the needle travels about 7 cm in marrow before the "
                "inner table; aimed straight down it meets the sacroiliac joint after only 3.2 cm "
                "(Hirahara, MRI). A {tol}-degree change can turn one into the other (Reed 2018)."
            ).format(ideal=ideal, tol=f"{th.lateral_tolerance_deg:g}"),
            # A wrong first aim is put right by redirecting (or re-inserting), never a dead end.
            frozenset({"insert", "mark_site", "redirect", "withdraw", "remove_needle"}),
            _aimed,
            _(
                "Aim {lo}-{hi} degrees lateral and between {caudal} degrees caudal and {cranial} "
                "degrees cranial."
            ).format(
                lo=f"{lat_lo:g}", hi=f"{lat_hi:g}", caudal=f"{-cra_lo:g}", cranial=f"{cra_hi:g}"
            ),
        ),
        TutorialStep(
            "penetrate",
            _("Through the cortex"),
            _(
                "Push through the skin and fat to the bone. On the bone, push firmly while "
                "twisting the needle back and forth. Let go the moment you feel the 'give': "
                "nothing stops the needle for you, and the score allows {mm} mm past it."
            ).format(mm=f"{th.overshoot_ok_mm:g}"),
            _(
                "Advance through the cortex with firm pressure and an alternating twisting motion; "
                "entering the marrow is felt as a sudden ease of advance. A push that does not "
                "stop there can run on through the inner table (clinical.md §1)."
            ),
            frozenset({"advance", "push", "press", "rotate", "withdraw", "redirect"}),
            _in_marrow,
            _("Keep pushing with a twist until the resistance gives way."),
        ),
        TutorialStep(
            "stylet_out",
            _("Remove the stylet"),
            _("Take the stylet out so the syringe can draw through the needle."),
            _(
                "The harvest needle has a removable stylet that keeps bone and tissue out of the "
                "needle on the way in (Jamshidi-type needles; clinical.md §1)."
            ),
            frozenset({"remove_stylet"}),
            _is("remove_stylet"),
        ),
        TutorialStep(
            "small_pull",
            _("A small pull"),
            _("Attach the syringe and pull {pull} or less.").format(pull=pull),
            _(
                "The first 1-2 mL are the richest: a first 1-mL aspirate held three times the "
                "cells of the whole harvest (Batinic 1990). Big pulls fill the syringe with blood."
            ),
            frozenset({"aspirate"}),
            _small_pull,
            _("Pull no more than {pull}.").format(pull=pull),
        ),
        TutorialStep(
            "fresh_spot",
            _("Move to fresh marrow"),
            _(
                "Advance the needle {mm} mm or more (or turn it {deg} degrees), then pull again."
            ).format(mm=f"{th.fresh_move_mm:g}", deg=f"{th.fresh_rotation_deg:g}"),
            _(
                "Pulls from one spot fall off steeply: after a first 10-mL pull, the next three "
                "together gave no more than the first (Muench 2019). Advancing the tip reaches "
                "fresh marrow; a turn moves only the side holes, so it reaches part of it, and "
                "less with each turn."
            ),
            frozenset({"rotate", "advance", "aspirate"}),
            _fresh_spot_pull,
            _("Advance (or rotate) first, then take another small pull."),
        ),
        TutorialStep(
            "repenetrate",
            _("A new bone penetration"),
            _(
                "Put the stylet back, withdraw into the fat, change the angle a little and enter "
                "the bone again."
            ),
            _(
                "Take at most 5-10 mL from each penetration of the bone, from sites as far apart "
                "as possible (harvest protocol; Batinic 1990)."
            ),
            frozenset(
                {"replace_stylet", "withdraw", "redirect", "advance", "push", "press", "rotate"}
            ),
            _new_penetration,
            _("Stylet in, withdraw into fat, redirect, then through the cortex."),
        ),
    ]
    if "pressure_dressing" in has:
        steps.append(
            TutorialStep(
                "dressing",
                _("Pressure dressing"),
                _(
                    "Take the needle out, then put Steri-Strips over each site and a pressure "
                    "dressing over the lower back."
                ),
                _(
                    "A large pressure dressing reduces swelling, bleeding and bruising; thin "
                    "adhesive strips go under it over each harvest site (seed text; St. Jude)."
                ),
                frozenset(
                    {
                        "steri_strips",
                        "pressure_dressing",
                        "remove_needle",
                        "replace_stylet",
                        "withdraw",
                    }
                ),
                _is("pressure_dressing"),
                _("Take the needle out, then apply the Steri-Strips and the pressure dressing."),
            )
        )
    # The last step ends the attempt, so it comes after everything else.
    steps.append(
        TutorialStep(
            "finish",
            _("Finish"),
            _("Remove the needle and end the procedure."),
            _(
                "A real harvest repeats these passes over 100 times to collect about 1 litre in "
                "about an hour (Thomas; St. Jude)."
            ),
            frozenset(
                {
                    "remove_stylet",
                    "aspirate",
                    "replace_stylet",
                    "remove_needle",
                    "end",
                    "rotate",
                    "withdraw",
                }
            ),
            _is("end"),
        )
    )
    return steps


@dataclass
class Tutorial:
    """Progress through the tutorial steps."""

    steps: list[TutorialStep] = field(default_factory=_steps)
    index: int = 0

    @property
    def finished(self) -> bool:
        return self.index >= len(self.steps)

    @property
    def current(self) -> TutorialStep | None:
        return None if self.finished else self.steps[self.index]

    def gate(self, cmd: Any) -> GateResult:
        """Whether the current step allows this command, and a hint if not."""
        step = self.current
        if step is None or cmd.do in ALWAYS or cmd.do in step.allowed:
            return GateResult(True)
        return GateResult(
            False, step.hint or _("First: {instruction}").format(instruction=step.instruction)
        )

    def observe(self, cmd: Any, events: list[Event], sim: Simulation) -> bool:
        """Record an applied command; returns True when it completed the current step."""
        step = self.current
        if step is not None and step.done(cmd, events, sim):
            self.index += 1
            return True
        return False

    @staticmethod
    def ideal_track() -> tuple[float, float]:
        """The ghost needle: (lateral_deg, cranial_deg) toward the ASIS (the technique table)."""
        return Thresholds().ideal_aim_deg
