"""Tutorial mode in the window: ``sim.trainer.tutorial`` steps with the keys to press (no pygame).

The core ``Tutorial`` says what to do, why (with its source) and which commands each step
allows.  The window adds, per step, how to do it with this trainer's keys and mouse, and one
adjustment so every step can be done in a live attempt:

* answers to scenario events (``notify_anesthesia``, ``pause_harvest``...) and the procedure
  steps that do not end collection are always allowed, so a scripted event never deadlocks;
  so is ``end`` (E, confirmed): the trainee may stop early, and the summary says how far they got.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sim.i18n import N_, _
from sim.trainer.tutorial import Tutorial, TutorialStep
from sim.vocabulary.commands import RESPONSE_NAMES, STEP_NAMES
from sim.vocabulary.events import LOSS_OF_RESISTANCE
from sim.vocabulary.technique import Thresholds

#: Commands that are allowed in every step in the window.
WINDOW_ALWAYS = (frozenset(RESPONSE_NAMES) | frozenset(STEP_NAMES) | {"end"}) - {
    "pressure_dressing",
    "steri_strips",
}

#: Steps that end with the needle at rest in the marrow: the window then says how far past the
#: give the trainee let it run.
PASS_STEPS = ("penetrate", "repenetrate")

#: How to do each step with this trainer's controls.
HOW = {
    "time_out": N_("Press T (procedure steps), choose 'time out' and press Enter."),
    "mark_left": N_(
        "Move the mouse over the back until 'Bony prominence felt: left PSIS', then click. Keys: L "
        "puts the marker on the left PSIS, Enter marks it."
    ),
    "mark_right": N_("Click over the right PSIS dimple, or press R then Enter."),
    "aim": N_(
        "Press 1 and Tab for the needle view. Right arrow aims lateral, Up aims cranial: match the "
        "dashed ghost needle, then press Enter to insert."
    ),
    "penetrate": N_(
        "Hold Space (or the mouse button on the section) to advance, twisting. Let go the moment "
        "it gives: the click, the gauge collapsing, the needle's jolt."
    ),
    "stylet_out": N_("Press S to take the stylet out."),
    "small_pull": N_("Choose the pull size with [ and ], then press A to pull."),
    "fresh_spot": N_(
        "Tap Space to advance the tip a few mm (best), or press R to turn the needle a quarter "
        "turn (it reaches only part of fresh marrow), then A to pull again (holding A turns and "
        "pulls, pull after pull)."
    ),
    "repenetrate": N_(
        "B backs out: the stylet goes in and the tip back into the fat. The arrows change the "
        "angle a little; then hold Space through the cortex again."
    ),
    "dressing": N_(
        "Press X to take the needle out, then T: 'steri strips', then 'pressure dressing'."
    ),
    "finish": N_("Press E and confirm with Y to end the procedure."),
}


def overshoot_note(sim: Any) -> tuple[str, bool]:
    """How far past the last give the trainee let the needle run, against the score's limit."""
    lor = next((e for e in reversed(sim.events) if e["type"] == LOSS_OF_RESISTANCE), None)
    if lor is None:
        return "", True
    over = sim.needle.depth_mm - lor["depth_mm"]
    limit = Thresholds().overshoot_ok_mm
    if over <= limit:
        return _("You let go {over:.1f} mm past the give: within the {limit:g} mm allowed.").format(
            over=over, limit=limit
        ), True
    return (
        _("You let go {over:.1f} mm past the give: more than {limit:g} mm. Let go sooner.").format(
            over=over, limit=limit
        ),
        False,
    )


@dataclass
class Guide:
    """Progress through the tutorial in one attempt, and what to show about it."""

    tutorial: Tutorial = field(default_factory=lambda: Tutorial())
    refusal: str = ""  # the hint for the last refused command (cleared when a step is done)
    done: list[TutorialStep] = field(default_factory=list)
    acted: int = 0  # commands (not waits) accepted in the current step without finishing it
    note: str = ""  # what the last finished pass showed (how far past the give), for the window
    note_ok: bool = True

    @property
    def current(self) -> TutorialStep | None:
        return self.tutorial.current

    @property
    def finished(self) -> bool:
        return self.tutorial.finished

    @property
    def number(self) -> int:
        """1-based number of the current step."""
        return self.tutorial.index + 1

    @property
    def total(self) -> int:
        return len(self.tutorial.steps)

    @property
    def how(self) -> str:
        step = self.current
        return _(HOW[step.id]) if step and step.id in HOW else ""

    @staticmethod
    def ideal_track() -> tuple[float, float]:
        """The ghost needle's (lateral_deg, cranial_deg)."""
        return Tutorial.ideal_track()

    def check(self, cmd: Any) -> str | None:
        """None when the current step allows ``cmd``; else the hint to show (nothing applied)."""
        if cmd.do in WINDOW_ALWAYS:
            return None
        gate = self.tutorial.gate(cmd)
        if gate.allowed:
            return None
        hint = gate.hint.removeprefix(_("First: {instruction}").format(instruction=""))
        self.refusal = hint[:1].upper() + hint[1:]
        return self.refusal

    def observe(self, cmd: Any, events: list, sim: Any) -> bool:
        """An applied command; True when it completed the current step."""
        step = self.current
        if self.tutorial.observe(cmd, events, sim):
            self.done.append(step)
            self.refusal = ""
            self.acted = 0
            if step.id in PASS_STEPS:
                self.note, self.note_ok = overshoot_note(sim)
            return True
        if cmd.do != "wait":
            self.acted += 1
        return False
