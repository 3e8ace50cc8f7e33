"""A trainee's live attempt as the UI drives it: commands in, feedback out (no pygame here).

Everything goes through :meth:`Attempt.apply`, so the attempt's command log replays exactly.  Two
kinds of wall time become commands:

* idle wall time (the trainee thinking, palpating) is added as ``wait`` commands, coalesced and
  flushed before the next command or every ``IDLE_FLUSH_S`` so timed scenario events still fire;
* a held push (Space or the mouse button) becomes ``press`` commands: the hand's intent to advance,
  whose force the hand model (sim/model/hand.py) makes follow the resistance.  Consecutive
  steps with the same twist merge into one command while the tip stays in one tissue.  A
  preview copy of the needle shows the merged press as it grows, and the press is applied the
  moment the preview crosses into another tissue, so events (the 'give') are never late: the
  trainer can cue the give on the very frame the tip enters the marrow.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass, field
from math import copysign
from typing import Any

from sim.errors import CommandRejected
from sim.i18n import _
from sim.model.needle import NeedleState
from sim.model.simulation import Event
from sim.run.attempt import Attempt
from sim.trainer import core_words
from sim.vocabulary import commands as c

IDLE_FLUSH_S = 2.0  # most idle wall time held back before it is applied as one wait
PUSH_FLUSH_S = 0.5  # most wall time one merged push is held back


def _no_hook(*_args) -> None:
    return None


@dataclass
class PendingPress:
    twist: bool
    s: float = 0.0


@dataclass
class Session:
    """One attempt in progress, with the UI's time and push coalescing."""

    attempt: Attempt
    trainee: str = ""
    mode: str = "practice"
    idle_s: float = 0.0
    pending: PendingPress | None = None
    message: str = ""
    message_kind: str = "info"
    listeners: list[Callable[[list[Event]], None]] = field(default_factory=list)
    guide: Any = None
    recording: Any = None
    _preview: NeedleState | None = None

    # ---------------------------------------------------------------- reading
    @property
    def sim(self):
        return self.attempt.sim

    @property
    def ended(self) -> bool:
        return self.attempt.ended

    @property
    def needle(self) -> NeedleState:
        """The needle as it should be drawn now (including a push not yet applied)."""
        return self._preview if self._preview is not None else self.sim.needle

    @property
    def clock_s(self) -> float:
        """Simulated time including idle time and push time not yet applied."""
        pending = self.pending.s if self.pending else 0.0
        return self.sim.t_s + self.idle_s + pending

    # ---------------------------------------------------------------- writing
    def _apply(self, cmd: Any) -> list[Event] | None:
        # A -0.0 equals the default 0.0, so the log would drop it and replay would differ.
        fixes = {k: 0.0 for k, v in cmd if isinstance(v, float) and v == 0 and copysign(1, v) < 0}
        if fixes:
            cmd = cmd.model_copy(update=fixes)
        if self.guide is not None:
            hint = self.guide.check(cmd)
            if hint is not None:
                self.say(_("Not yet: ") + hint, "warn")
                return None
        try:
            events = self.attempt.apply(cmd)
        except CommandRejected as exc:  # the core's English, shown in the trainer's language
            self.say(core_words.say(exc.message), "warn")
            return None
        finished = self.guide is not None and self.guide.observe(cmd, events, self.sim)
        if finished and self.guide.note:  # a pass finished: how far past the give it ran
            self.say(self.guide.note, "good" if self.guide.note_ok else "warn")
            self.guide.note = ""
        for listener in self.listeners:
            listener(events)
        return events

    def say(self, text: str, kind: str = "info") -> None:
        self.message, self.message_kind = text, kind

    def flush_idle(self) -> None:
        if self.idle_s > 0 and not self.ended:
            s = round(self.idle_s, 6)
            self.idle_s = 0.0
            if s > 0:
                self._apply(c.Wait(s=s))

    def flush_push(self) -> None:
        """Apply the press held back so far (the hand may still be pressing)."""
        p, self.pending, self._preview = self.pending, None, None
        if p is not None and p.s > 0 and not self.ended:
            self._apply(c.Press(s=round(p.s, 6), twist=p.twist))

    def submit(self, cmd: Any) -> list[Event] | None:
        """Apply one command now (after any held-back push and idle time)."""
        if self.ended:
            return None
        self.flush_push()
        self.flush_idle()
        return self._apply(cmd)

    def idle(self, dt_s: float) -> None:
        """Wall time passed with no command."""
        if self.ended:
            return
        self.flush_push()
        self.idle_s += dt_s
        if self.idle_s >= IDLE_FLUSH_S:
            self.flush_idle()

    def press(self, pressing: bool, twist: bool, dt_s: float) -> None:
        """One fixed step of the hand: pressing the needle on (Space or the mouse held) or not."""
        if self.ended:
            return
        if not pressing or not self.sim.needle.inserted:
            self.idle(dt_s)
            return
        if self.guide is not None and self.pending is None:
            hint = self.guide.check(c.Press(s=dt_s, twist=twist))
            if hint is not None:
                self.say(_("Not yet: ") + hint, "warn")
                self.idle(dt_s)
                return
        p = self.pending
        if p is not None and p.twist != twist:
            self.flush_push()
            p = None
        if p is None:
            self.flush_idle()
            p = self.pending = PendingPress(twist)
        p.s += dt_s
        real = self.sim.needle
        preview = copy.copy(real)
        self.sim.motion.press(preview, self.sim.hand, twist, p.s, _no_hook)
        self._preview = preview
        crossed = preview.tissue != real.tissue
        if crossed or p.s >= PUSH_FLUSH_S or preview.depth_mm >= self.sim.motion.length_mm:
            self.flush_push()

    def finish(self) -> list[Event] | None:
        """End the procedure (removes the needle if it is in)."""
        return self.submit(c.End())
