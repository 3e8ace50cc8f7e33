"""The trainee's hand on the needle: what holding Space or the mouse button does.

The interactive control is an intent, not a force: "advance, firmly (twisting)".  While it is
held, the hand's force follows the resistance it meets, as a practised hand does: a margin over
the layer's resistance in skin, fat and cortex (the same margin the scripted ``advance`` uses),
up to the most a hand pushes.  In marrow, a hand still pressing advances at a steady firm speed
(``hand_marrow_speed_mm_s``).  When the cortex gives, the force the hand was leaning with does
not vanish at once: it decays towards the marrow level with the hand's own time constant
(``hand_give_decay_s``), so the needle lurches a couple of millimetres by itself, and every
further moment the trainee keeps pressing adds run-on.  How far the needle goes past the give is
therefore decided by how quickly the trainee lets go, which is the skill the trainer teaches.

Letting go ends the press: in marrow the resistance is more than a relaxing hand still applies,
so the needle stops.  The numbers are in ``sim/model/params/needle.toml`` with their sources.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from sim.model.tissue import Tissue

#: After this many time constants the give's lurch is over and the hand is steady again.
DECAY_SPAN = 8.0


@dataclass(frozen=True)
class HandModel:
    """Forces of a hand that advances the needle with intent, from the needle's parameters."""

    mechanics: object  # sim.model.needle.TissueMechanics (typed loosely: no import cycle)
    give_decay_s: float
    marrow_speed_mm_s: float

    def steady_force_n(self, tissue: Tissue, twist: bool) -> float:
        """The force a hand pressing on with intent settles at in ``tissue``."""
        layer = self.mechanics.layer(tissue, twist)
        if tissue == Tissue.MARROW:
            return layer.resistance_n + self.marrow_speed_mm_s * layer.damping
        return self.mechanics.scripted_force_n(tissue, twist)

    def force_n(
        self, tissue: Tissue, twist: bool, since_give_s: float | None, give_force_n: float
    ) -> float:
        """The hand's force now: steady, or still easing off from the force it had at the give."""
        steady = self.steady_force_n(tissue, twist)
        if since_give_s is None or give_force_n <= steady:
            return steady
        return steady + (give_force_n - steady) * math.exp(-since_give_s / self.give_decay_s)

    def decaying(self, since_give_s: float | None) -> bool:
        """Whether the give's lurch is still running (the force still easing off)."""
        return since_give_s is not None and since_give_s < DECAY_SPAN * self.give_decay_s
