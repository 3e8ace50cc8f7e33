"""The input mapping: key events and held controls become exactly the expected commands."""

from __future__ import annotations

import pygame

import tests.ui.driver  # noqa: F401  (sets the dummy SDL drivers before pygame loads)
from sim.model.needle import NeedleState
from sim.ui.input import (
    NEEDLE_KEYS,
    HeldControls,
    Intent,
    NeedleHand,
    intent_for,
)
from sim.vocabulary import commands as c

OUT = NeedleState()


def ev(k, mod=0):
    return pygame.event.Event(pygame.KEYDOWN, key=k, mod=mod, unicode="")


def test_keys_map_to_intents():
    assert intent_for(ev(pygame.K_SPACE), NEEDLE_KEYS) == Intent.PUSH
    assert intent_for(ev(pygame.K_w), NEEDLE_KEYS) == Intent.WITHDRAW
    assert intent_for(ev(pygame.K_w, pygame.KMOD_LSHIFT), NEEDLE_KEYS) == Intent.WITHDRAW_MORE
    assert intent_for(ev(pygame.K_q, pygame.KMOD_CTRL), NEEDLE_KEYS) is None
    assert intent_for(ev(pygame.K_F12), NEEDLE_KEYS) is None


def test_aim_then_insert_makes_one_insert():
    hand = NeedleHand()
    cmds = []
    for _ in range(12):
        cmds += hand.press(Intent.AIM_LATERAL, OUT, 2)
    cmds += hand.press(Intent.AIM_CRANIAL, OUT, 2)
    cmds += hand.press(Intent.SITE_2, OUT, 2)
    cmds += hand.press(Intent.INSERT, OUT, 2)
    assert cmds == [c.Insert(site=1, lateral_deg=24.0, cranial_deg=2.0)]


def test_needle_commands_for_each_intent():
    hand = NeedleHand()
    n = NeedleState(site=0, side="left", depth_mm=40.0, stylet_in=True)
    assert hand.press(Intent.STYLET, n, 1) == [c.RemoveStylet()]
    assert hand.press(Intent.WITHDRAW, n, 1) == [c.Withdraw(mm=2.0)]
    assert hand.press(Intent.WITHDRAW_MORE, n, 1) == [c.Withdraw(mm=10.0)]
    assert hand.press(Intent.ROTATE, n, 1) == [c.Rotate(deg=90.0)]
    assert hand.press(Intent.PULL_SMALLER, n, 1) == []
    assert hand.press(Intent.ASPIRATE, n, 1) == [c.Aspirate(ml=4.0)]
    assert hand.press(Intent.REMOVE, n, 1) == [c.RemoveNeedle()]
    n.stylet_in = False
    assert hand.press(Intent.STYLET, n, 1) == [c.ReplaceStylet()]


def test_holding_is_an_intent_to_press_and_letting_go_ends_it_at_once():
    """The key or button is the hand's intent; the force comes from the hand model in the core."""
    hand = NeedleHand()
    dt = 1 / 60
    held = [hand.step(dt, HeldControls(push=True))[:2] for _ in range(30)]
    assert held == [(True, True)] * 30  # pressing, twisting by default
    assert hand.step(dt, HeldControls())[0] is False
    assert hand.step(dt, HeldControls(push=True, twist=False))[:2] == (True, False)


def test_redirect_settles_into_one_command_before_a_push():
    from sim.model.anatomy import Segment, TrackProfile
    from sim.model.tissue import Tissue

    hand = NeedleHand()
    n = NeedleState(site=0, side="left", depth_mm=10.0, lateral_deg=0.0)
    n.profile = TrackProfile((Segment(0, 100, Tissue.FAT),))
    for _ in range(3):
        assert hand.press(Intent.AIM_LATERAL, n, 1) == []
    _f, _t, cmds = hand.step(1 / 60, HeldControls(push=True))
    assert cmds == [c.Redirect(lateral_deg=6.0, cranial_deg=0.0)]
    _f, _t, cmds = hand.step(1 / 60, HeldControls(push=True))
    assert cmds == []


def test_aim_in_bone_is_refused_with_a_notice():
    from sim.model.anatomy import Segment, TrackProfile
    from sim.model.tissue import Tissue

    hand = NeedleHand()
    n = NeedleState(site=0, side="left", depth_mm=40.0)
    n.profile = TrackProfile((Segment(0, 30, Tissue.FAT), Segment(30, 100, Tissue.MARROW)))
    assert hand.press(Intent.AIM_LATERAL, n, 1) == []
    assert "withdraw" in hand.notice
    assert hand.lateral_deg == 0.0
