"""Input mapping: pygame key events -> named intents, and the needle hand -> commands.

Everything here is pure (no window needed): :func:`intent_for` maps one key event to an intent;
:class:`NeedleHand` turns intents and held controls into the simulation's commands.  Tests feed
events in and compare the command lists that come out.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import pygame

from sim.model.needle import NeedleState
from sim.model.parameters import table
from sim.model.tissue import Tissue
from sim.vocabulary import commands as c
from sim.vocabulary.technique import Thresholds


class Intent(StrEnum):
    """What a key means in the procedure views."""

    AIM_MEDIAL = "aim_medial"
    AIM_LATERAL = "aim_lateral"
    AIM_CRANIAL = "aim_cranial"
    AIM_CAUDAL = "aim_caudal"
    INSERT = "insert"
    PUSH = "push"  # held
    WITHDRAW = "withdraw"
    WITHDRAW_MORE = "withdraw_more"
    ROTATE = "rotate"
    ROTATE_BACK = "rotate_back"
    STYLET = "stylet"
    PULL_SMALLER = "pull_smaller"
    PULL_LARGER = "pull_larger"
    ASPIRATE = "aspirate"  # held: the set pull, then a turn and the next pull while held
    BACK_OUT = "back_out"  # stylet in and withdraw into the soft tissue, ready to re-enter
    REMOVE = "remove"
    DORSAL = "dorsal"
    NEEDLE = "needle"
    END = "end"
    STEPS = "steps"
    SITE_1 = "site_1"
    SITE_2 = "site_2"
    SITE_3 = "site_3"
    SITE_4 = "site_4"
    MARK = "mark"
    CURSOR_LEFT_PSIS = "cursor_left_psis"
    CURSOR_RIGHT_PSIS = "cursor_right_psis"


SHIFT = pygame.KMOD_SHIFT

#: Needle-view keys: (key, needs shift) -> intent.
NEEDLE_KEYS: dict[tuple[int, bool], Intent] = {
    (pygame.K_LEFT, False): Intent.AIM_MEDIAL,
    (pygame.K_RIGHT, False): Intent.AIM_LATERAL,
    (pygame.K_UP, False): Intent.AIM_CRANIAL,
    (pygame.K_DOWN, False): Intent.AIM_CAUDAL,
    (pygame.K_RETURN, False): Intent.INSERT,
    (pygame.K_KP_ENTER, False): Intent.INSERT,
    (pygame.K_i, False): Intent.INSERT,
    (pygame.K_SPACE, False): Intent.PUSH,
    (pygame.K_SPACE, True): Intent.PUSH,
    (pygame.K_w, False): Intent.WITHDRAW,
    (pygame.K_w, True): Intent.WITHDRAW_MORE,
    (pygame.K_r, False): Intent.ROTATE,
    (pygame.K_r, True): Intent.ROTATE_BACK,
    (pygame.K_s, False): Intent.STYLET,
    (pygame.K_s, True): Intent.STYLET,
    (pygame.K_LEFTBRACKET, False): Intent.PULL_SMALLER,
    (pygame.K_MINUS, False): Intent.PULL_SMALLER,
    (pygame.K_KP_MINUS, False): Intent.PULL_SMALLER,
    (pygame.K_RIGHTBRACKET, False): Intent.PULL_LARGER,
    (pygame.K_EQUALS, False): Intent.PULL_LARGER,
    (pygame.K_EQUALS, True): Intent.PULL_LARGER,
    (pygame.K_KP_PLUS, False): Intent.PULL_LARGER,
    (pygame.K_a, False): Intent.ASPIRATE,
    (pygame.K_p, False): Intent.ASPIRATE,
    (pygame.K_b, False): Intent.BACK_OUT,
    (pygame.K_x, False): Intent.REMOVE,
    (pygame.K_d, False): Intent.DORSAL,
    (pygame.K_TAB, False): Intent.DORSAL,
    (pygame.K_e, False): Intent.END,
    (pygame.K_t, False): Intent.STEPS,
    (pygame.K_1, False): Intent.SITE_1,
    (pygame.K_2, False): Intent.SITE_2,
    (pygame.K_3, False): Intent.SITE_3,
    (pygame.K_4, False): Intent.SITE_4,
}

#: Dorsal-view keys (the arrows move the marking cursor there; handled by the view).
DORSAL_KEYS: dict[tuple[int, bool], Intent] = {
    (pygame.K_RETURN, False): Intent.MARK,
    (pygame.K_KP_ENTER, False): Intent.MARK,
    (pygame.K_m, False): Intent.MARK,
    (pygame.K_l, False): Intent.CURSOR_LEFT_PSIS,
    (pygame.K_r, False): Intent.CURSOR_RIGHT_PSIS,
    (pygame.K_n, False): Intent.NEEDLE,
    (pygame.K_TAB, False): Intent.NEEDLE,
    (pygame.K_e, False): Intent.END,
    (pygame.K_t, False): Intent.STEPS,
    (pygame.K_1, False): Intent.SITE_1,
    (pygame.K_2, False): Intent.SITE_2,
    (pygame.K_3, False): Intent.SITE_3,
    (pygame.K_4, False): Intent.SITE_4,
}

#: Keys that take a pull: held, they repeat it with a turn between pulls.
PULL_KEYS = (pygame.K_a, pygame.K_p)

SITE_INTENTS = (Intent.SITE_1, Intent.SITE_2, Intent.SITE_3, Intent.SITE_4)


def intent_for(event: pygame.event.Event, keymap: dict[tuple[int, bool], Intent]) -> Intent | None:
    """The intent of a KEYDOWN/KEYUP event in a view's keymap (None if the key means nothing)."""
    if event.type not in (pygame.KEYDOWN, pygame.KEYUP):
        return None
    if event.mod & (pygame.KMOD_CTRL | pygame.KMOD_ALT | pygame.KMOD_META):
        return None
    shift = bool(event.mod & SHIFT)
    return keymap.get((event.key, shift)) or keymap.get((event.key, False))


# ------------------------------------------------------------------------------ the hand

AIM_STEP_DEG = 2.0
WITHDRAW_MM = 2.0
WITHDRAW_MORE_MM = 10.0
ROTATE_DEG = 90.0
PULL_CHOICES_ML = (1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0, 15.0, 20.0)
FORCE_MAX_N = table("needle").hand_max_force_n  # the most a hand pushes (IEEE 8579919)
REDIRECT_SETTLE_S = 0.4  # aim changes in soft tissue become one redirect after this pause
#: Holding the pull key: a further pull, after a quarter turn to fresh marrow, this often.  The
#: turn is the scoring's own fresh-marrow rotation (the technique table).
PULL_REPEAT_S = 0.6
#: Backing out leaves the tip this far short of the outer table, in the soft tissue.
BACK_OUT_CLEAR_MM = 3.0


@dataclass
class HeldControls:
    """What the trainee is holding during one fixed step."""

    push: bool = False  # Space or the mouse button: "advance, firmly"
    twist: bool = True
    pull: bool = False  # the pull key held: repeated pulls with a turn between them


class NeedleHand:
    """The trainee's hand on the needle: aim, pressure, pull size; produces commands.

    Call :meth:`press` for a key or button intent and :meth:`step` once per fixed step with the
    held controls; both return commands to submit.  ``step`` returns ``(pressing, twist)`` for
    the session's press (merged there; the hand model in the core gives the force) plus any
    settled redirect.
    """

    def __init__(self) -> None:
        self.site = 0
        self.lateral_deg = 0.0
        self.cranial_deg = 0.0
        self.pull_ml = 5.0
        self.force_n = 0.0  # what the hand applies now, for the gauge (set from the needle)
        self.notice = ""
        self._aim_dirty_s: float | None = None
        self._pull_held_s: float | None = None

    # ---------------------------------------------------------------- intents
    def press(self, intent: Intent, needle: NeedleState, n_sites: int) -> list:
        """Commands for one intent given the needle as it is now."""
        inserted = needle.inserted
        self.notice = ""
        if intent in (Intent.AIM_MEDIAL, Intent.AIM_LATERAL, Intent.AIM_CRANIAL, Intent.AIM_CAUDAL):
            refusal = needle.redirect_refusal()
            if refusal is not None:
                self.notice = f"{refusal[0].upper()}{refusal[1:]} (W)"
                return []
            d = AIM_STEP_DEG
            if intent == Intent.AIM_MEDIAL:
                self.lateral_deg -= d
            elif intent == Intent.AIM_LATERAL:
                self.lateral_deg += d
            elif intent == Intent.AIM_CRANIAL:
                self.cranial_deg += d
            else:
                self.cranial_deg -= d
            lim = c.AIM_LIMIT_DEG  # the commands' own range
            self.lateral_deg = max(-lim, min(lim, self.lateral_deg))
            self.cranial_deg = max(-lim, min(lim, self.cranial_deg))
            if inserted:
                self._aim_dirty_s = 0.0
            return []
        if intent in SITE_INTENTS:
            idx = SITE_INTENTS.index(intent)
            if not inserted and idx < n_sites:
                self.site = idx
            return []
        if intent == Intent.PULL_SMALLER or intent == Intent.PULL_LARGER:
            self.pull_ml = self._next_pull(+1 if intent == Intent.PULL_LARGER else -1)
            return []
        out = self.settle_aim()
        if intent == Intent.INSERT and not inserted:
            if n_sites == 0:
                return out
            return out + [
                c.Insert(
                    site=min(self.site, n_sites - 1),
                    lateral_deg=self.lateral_deg,
                    cranial_deg=self.cranial_deg,
                )
            ]
        if not inserted:
            return out
        if intent in (Intent.WITHDRAW, Intent.WITHDRAW_MORE):
            want = WITHDRAW_MM if intent == Intent.WITHDRAW else WITHDRAW_MORE_MM
            mm = round(min(want, needle.depth_mm - 1.0), 3)
            return out + ([c.Withdraw(mm=mm)] if mm > 0 else [])
        if intent in (Intent.ROTATE, Intent.ROTATE_BACK):
            return out + [c.Rotate(deg=ROTATE_DEG if intent == Intent.ROTATE else -ROTATE_DEG)]
        if intent == Intent.STYLET:
            return out + [c.ReplaceStylet() if not needle.stylet_in else c.RemoveStylet()]
        if intent == Intent.ASPIRATE:
            return out + [c.Aspirate(ml=self.pull_ml)]
        if intent == Intent.REMOVE:
            return out + [c.RemoveNeedle()]
        if intent == Intent.BACK_OUT:
            return out + self.back_out(needle)
        return out

    @staticmethod
    def back_out(needle: NeedleState) -> list:
        """One practised gesture: stylet back in, then withdraw until the tip is in the soft
        tissue just short of the outer table, ready for a new bone entry."""
        cmds: list = [] if needle.stylet_in else [c.ReplaceStylet()]
        if needle.profile is None or needle.tissue.is_soft:
            return cmds
        cortex = needle.profile.first(Tissue.OUTER_CORTEX)
        target = (cortex.start_mm if cortex is not None else needle.depth_mm) - BACK_OUT_CLEAR_MM
        mm = round(min(needle.depth_mm - max(target, 1.0), needle.depth_mm - 1.0), 3)
        return cmds + ([c.Withdraw(mm=mm)] if mm > 0 else [])

    def _next_pull(self, step: int) -> float:
        choices = PULL_CHOICES_ML
        idx = min(range(len(choices)), key=lambda i: abs(choices[i] - self.pull_ml))
        return choices[max(0, min(len(choices) - 1, idx + step))]

    def settle_aim(self) -> list:
        """A pending aim change in soft tissue, as one redirect command (or nothing)."""
        if self._aim_dirty_s is None:
            return []
        self._aim_dirty_s = None
        return [c.Redirect(lateral_deg=self.lateral_deg, cranial_deg=self.cranial_deg)]

    def sync_aim(self, needle: NeedleState) -> None:
        """Adopt the needle's actual aim (after a rejected redirect, or on a new insertion)."""
        if needle.inserted:
            self.lateral_deg, self.cranial_deg = needle.lateral_deg, needle.cranial_deg
        self._aim_dirty_s = None

    # ---------------------------------------------------------------- held
    def step(self, dt_s: float, held: HeldControls) -> tuple[bool, bool, list]:
        """Advance the hand one fixed step: returns (pressing, twist, commands)."""
        cmds: list = []
        if self._aim_dirty_s is not None:
            self._aim_dirty_s += dt_s
            if self._aim_dirty_s >= REDIRECT_SETTLE_S or held.push:
                cmds = self.settle_aim()  # re-aim before the hand pushes on
        if held.pull and not held.push:
            # The first pull went with the key press; each repeat turns to fresh marrow first.
            self._pull_held_s = (self._pull_held_s or 0.0) + dt_s
            if self._pull_held_s >= PULL_REPEAT_S:
                self._pull_held_s -= PULL_REPEAT_S
                turn = Thresholds().fresh_rotation_deg
                cmds += [c.Rotate(deg=turn), c.Aspirate(ml=self.pull_ml)]
        else:
            self._pull_held_s = None
        return held.push, held.twist, cmds


#: Dorsal marking cursor step (mm) without / with Shift.
CURSOR_STEP = {False: 2.0, True: 10.0}
