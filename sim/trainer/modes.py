"""Training modes: what the trainee is shown and how the attempt is run and stored.

A mode decides the guidance (hints, danger regions, coaching warnings, tutorial steps), whether
a retry is offered, and how the result is judged and stored; the simulation and scoring are the
same in every mode.  Every mode records its attempts (``sim/trainer/station.py``).

* Tutorial: guided step by step by ``sim.trainer.tutorial`` (``sim/trainer/guide.py``), ghost
  needle shown.
* Practice: hints, danger regions and live coaching; retry from the debrief.
* Assessment: nothing but the procedure; only the instructor's assessment scenarios are offered,
  attempts are counted by the records store and the result is stored locked.
"""

from __future__ import annotations

from dataclasses import dataclass

from sim.i18n import N_


@dataclass(frozen=True)
class Mode:
    id: str  # also the records mode (sim.records.MODES)
    label: str  # marked for translation: shown as _(label)
    description: str
    available: bool
    shows_hints: bool  # danger regions, palpation zone names, aim guide, coaching warnings
    guided: bool = False  # tutorial steps gate the commands
    retry: bool = False  # the debrief offers a new attempt of the same scenario
    assessed: bool = False  # scenarios, attempts and standard come from the active assessment


MODES: tuple[Mode, ...] = (
    Mode(
        "practice",
        N_("Practice"),
        N_("Danger regions, palpation feedback and live warnings; retry from the debrief."),
        True,
        True,
        retry=True,
    ),
    Mode(
        "tutorial",
        N_("Tutorial"),
        N_(
            "Step by step: each step says what to do and why; a ghost needle shows the ideal track."
        ),
        True,
        True,
        guided=True,
        retry=True,
    ),
    Mode(
        "assessment",
        N_("Assessment"),
        N_("No hints or warnings. The instructor's scenarios and passing standard; result locked."),
        True,
        False,
        assessed=True,
    ),
)


def mode_by_id(mode_id: str) -> Mode:
    return next(m for m in MODES if m.id == mode_id)
