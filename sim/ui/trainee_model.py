"""A simulated trainee: drives the real trainer with pygame events, the way a person would.

It opens the trainer (dummy video and audio drivers, a temporary records folder), chooses the
scenario in the launcher, starts practice, marks a site over each PSIS, aims, and makes needle
passes: it holds Space (or the mouse button on the section) and lets go ``reaction_ms`` after it
*perceives* the give.  It perceives what the window shows a person, not the simulation's state:
the give's sound, or the give's text on screen (the painter's transcript of the frame).  Between
inputs it pauses ``deliberate_s`` of real time, as a learner does.  Real time is counted in frames
of 1/60 s, so a harvest that would take a person 15 minutes runs here in seconds.

Each pass is measured afterwards from the attempt's event log: where the give was, where the tip
came to rest, whether it reached the inner table.  ``python -m sim trainee-model`` prints the
passes and their summary; the tests and the benchmark use the same code.
"""

from __future__ import annotations

import math
import os
import statistics
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")

import pygame  # noqa: E402

from sim.errors import InputError  # noqa: E402
from sim.i18n import _ as translate  # noqa: E402
from sim.ui.app import App  # noqa: E402
from sim.ui.art.gauges import GIVE_LABEL  # noqa: E402
from sim.vocabulary.events import (  # noqa: E402
    INNER_CORTEX_CONTACT,
    LOSS_OF_RESISTANCE,
    NEEDLE_DANGER_EVENTS,
)
from sim.vocabulary.technique import Thresholds  # noqa: E402

FRAME_S = 1.0 / 60.0
INPUTS = ("keyboard", "mouse")
#: Give up pressing (a person would stop and look) after this long without a give.
PRESS_GIVE_UP_S = 25.0
#: What the trainee reads on screen as the give (the gauge's label and the message line).
GIVE_TEXTS = ("GIVE", "Loss of resistance")
#: Pulls per bone penetration and their size: within the technique table's per-penetration
#: limit, each after a quarter turn (the pull key held).
PULL_ML = 3.0


@dataclass
class PassResult:
    """One bone penetration as the simulated trainee made it."""

    index: int
    site: int
    overshoot_mm: float | None  # past the loss of resistance; None if there was no give
    inner_table: bool  # reached the inner table or a danger zone
    inputs: int
    real_s: float


@dataclass
class TraineeRun:
    scenario: str
    input: str
    reaction_ms: float
    seed: int
    passes: list[PassResult] = field(default_factory=list)
    inputs: int = 0
    real_s: float = 0.0
    collected_ml: float = 0.0
    target_ml: float = 0.0
    frame_ms: list[float] = field(default_factory=list)

    def summary(self) -> dict[str, Any]:
        over = [p.overshoot_mm for p in self.passes if p.overshoot_mm is not None]
        limit = Thresholds().overshoot_ok_mm
        within = sum(1 for o in over if o <= limit)
        return {
            "passes": len(self.passes),
            "gives": len(over),
            "within_limit_share": within / len(over) if over else 0.0,
            "overshoot_limit_mm": limit,
            "overshoot_median_mm": statistics.median(over) if over else None,
            "overshoot_p90_mm": _quantile(over, 0.9) if over else None,
            "overshoot_max_mm": max(over) if over else None,
            "inner_table_passes": sum(p.inner_table for p in self.passes),
            "inputs": self.inputs,
            "real_s": round(self.real_s, 1),
            "real_min": round(self.real_s / 60.0, 1),
            "collected_ml": round(self.collected_ml, 1),
            "target_ml": round(self.target_ml, 1),
        }

    def to_dict(self) -> dict[str, Any]:
        return {
            "scenario": self.scenario,
            "input": self.input,
            "reaction_ms": self.reaction_ms,
            "seed": self.seed,
            "passes": [asdict(p) for p in self.passes],
            "summary": self.summary(),
        }


def _quantile(values: list[float], q: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, max(0, math.ceil(q * len(s)) - 1))]


class SimulatedTrainee:
    """Drives one practice attempt through the trainer's window (see the module docstring)."""

    def __init__(
        self,
        scenario: str,
        *,
        reaction_ms: float = 250.0,
        input_kind: str = "keyboard",
        seed: int = 1,
        deliberate_s: float = 0.5,
        data_dir: Path | None = None,
        time_frames: bool = False,
        length: str = "full",
    ) -> None:
        if input_kind not in INPUTS:
            raise InputError(
                f"unknown input {input_kind!r} (expected one of: {', '.join(INPUTS)})",
                field="input",
            )
        if not math.isfinite(reaction_ms) or reaction_ms < 0:
            raise InputError("must be a number of milliseconds >= 0", field="reaction-ms")
        self.reaction_s = reaction_ms / 1000.0
        self.input_kind = input_kind
        self.deliberate_s = deliberate_s
        self.time_frames = time_frames
        folder = data_dir or Path(tempfile.mkdtemp(prefix="marrowsim-trainee-"))
        self.app = App(seed=seed, sound=False, record_draw=True, data_dir=folder)
        self.run = TraineeRun(scenario, input_kind, reaction_ms, seed)
        self.frames = 0
        self.length = length
        self._open(scenario)

    # ---------------------------------------------------------------- the hands and eyes
    def _frame(self) -> None:
        if self.time_frames:
            import time

            t0 = time.process_time()
            self.app.frame(FRAME_S)
            self.run.frame_ms.append((time.process_time() - t0) * 1000.0)
        else:
            self.app.frame(FRAME_S)
        self.frames += 1

    def wait(self, s: float) -> None:
        for _ in range(max(1, round(s / FRAME_S))):
            self._frame()

    def _post_key(self, key: int, up: bool = False, mod: int = 0) -> None:
        kind = pygame.KEYUP if up else pygame.KEYDOWN
        pygame.event.post(pygame.event.Event(kind, key=key, mod=mod, unicode=""))

    def tap(self, key: int, mod: int = 0) -> None:
        """One deliberate key press: down, up, then the learner's pause before the next."""
        self._post_key(key, mod=mod)
        self._frame()
        self._post_key(key, up=True, mod=mod)
        self.run.inputs += 1
        self.wait(self.deliberate_s)

    def hold(self, key: int, s: float) -> None:
        """Hold a key for ``s`` seconds (one input)."""
        self._post_key(key)
        self.wait(s)
        self._post_key(key, up=True)
        self._frame()
        self.run.inputs += 1

    def sees_give(self, heard_before: int) -> bool:
        """Whether the give is perceptible on this frame: its sound, or its text on screen."""
        if self.app.sounds.heard.get("give", 0) > heard_before:
            return True
        texts = self.app.painter.texts()
        shown = GIVE_TEXTS + (translate(GIVE_LABEL),)  # the gauge's label in the current language
        return any(t.startswith(shown) for t in texts)

    # ---------------------------------------------------------------- the attempt
    @property
    def proc(self):
        return self.app.top

    @property
    def sim(self):
        return self.proc.session.sim

    def _open(self, scenario_id: str) -> None:
        """Launcher: find the scenario in the list, practice mode, Enter; then the briefing."""
        self.wait(0.2)
        launcher = self.app.top
        ids = [e.scenario.id if e.scenario else None for e in launcher.entries]
        if scenario_id not in ids:
            raise InputError(f"unknown scenario {scenario_id!r}", field="scenario")
        entry = launcher.entries[ids.index(scenario_id)]
        if entry.scenario.kind != "harvest":
            raise InputError(
                f"scenario {scenario_id!r} has no needle work (a {entry.scenario.kind} scenario)",
                field="scenario",
            )
        steps = ids.index(scenario_id) - launcher.selected
        for _ in range(abs(steps)):
            self.tap(pygame.K_DOWN if steps > 0 else pygame.K_UP)
        if launcher.shown_length(entry.scenario) != self.length:
            self.tap(pygame.K_l)  # the launcher's length: full or skills-lab
        self.tap(pygame.K_RETURN)  # practice is the launcher's first mode
        if self.app.top.name == "briefing":
            self.tap(pygame.K_RETURN)
        if self.app.top.name != "procedure":
            raise InputError(f"could not start {scenario_id!r} from the launcher", field="scenario")
        self.run.target_ml = self.sim_scenario.target_volume_ml

    @property
    def sim_scenario(self):
        return self.proc.session.attempt.scenario

    def mark_sites(self) -> None:
        """Dorsal view: the cursor to each PSIS and mark it."""
        for cursor in (pygame.K_l, pygame.K_r):
            self.tap(cursor)
            self.tap(pygame.K_RETURN)

    def to_needle(self, site: int) -> None:
        self.tap(pygame.K_1 + site)
        if self.proc.sub != "needle":
            self.tap(pygame.K_TAB)
        if self.proc.sub != "needle":
            self.tap(pygame.K_1 + site)

    def aim(self, lateral_deg: float, cranial_deg: float) -> None:
        """Arrow keys until the aim shown is the one wanted (2 degrees a press)."""
        hand = self.proc.hand
        n = self.sim.needle
        lat = n.lateral_deg if n.inserted else hand.lateral_deg
        cra = n.cranial_deg if n.inserted else hand.cranial_deg
        for _ in range(round(abs(lateral_deg - lat) / 2.0)):
            self.tap(pygame.K_RIGHT if lateral_deg > lat else pygame.K_LEFT)
        for _ in range(round(abs(cranial_deg - cra) / 2.0)):
            self.tap(pygame.K_UP if cranial_deg > cra else pygame.K_DOWN)

    def set_pull(self, ml: float) -> None:
        hand = self.proc.hand
        for _ in range(12):
            if hand.pull_ml == ml:
                return
            self.tap(pygame.K_LEFTBRACKET if hand.pull_ml > ml else pygame.K_RIGHTBRACKET)

    def _section_px(self) -> tuple[int, int]:
        """The middle of the needle section, in window pixels (where a person points)."""
        return self.app.viewport.to_px(self.proc.lay.area.center)

    def _press_down(self) -> None:
        if self.input_kind == "keyboard":
            self._post_key(pygame.K_SPACE)
        else:
            pygame.event.post(
                pygame.event.Event(pygame.MOUSEBUTTONDOWN, pos=self._section_px(), button=1)
            )

    def _press_up(self) -> None:
        if self.input_kind == "keyboard":
            self._post_key(pygame.K_SPACE, up=True)
        else:
            pygame.event.post(
                pygame.event.Event(pygame.MOUSEBUTTONUP, pos=self._section_px(), button=1)
            )

    def penetrate(self) -> tuple[float | None, bool]:
        """Press until the give is perceived, let go ``reaction_s`` later; (overshoot, danger)."""
        sim = self.sim
        start_events = len(sim.events)
        heard = self.app.sounds.heard.get("give", 0)
        self._press_down()
        seen_at = None
        pressed_s = 0.0
        while pressed_s < PRESS_GIVE_UP_S:
            self._frame()
            pressed_s += FRAME_S
            if seen_at is None and self.sees_give(heard):
                seen_at = pressed_s
            if seen_at is not None and pressed_s - seen_at >= self.reaction_s - 1e-9:
                break
        self._press_up()
        self.run.inputs += 1
        self.wait(0.1)  # the needle settles; the trainee looks at where it is
        events = sim.events[start_events:]
        lor = next((e for e in events if e["type"] == LOSS_OF_RESISTANCE), None)
        danger = any(e["type"] in (INNER_CORTEX_CONTACT, *NEEDLE_DANGER_EVENTS) for e in events)
        if lor is None:
            return None, danger
        return sim.needle.depth_mm - lor["depth_mm"], danger

    def harvest_at_spot(self, pulls: int) -> None:
        """Stylet out, the pull key held for ``pulls`` pulls (a turn between), back out."""
        from sim.ui.input import PULL_REPEAT_S

        if self.sim.needle.stylet_in:
            self.tap(pygame.K_s)
        self.hold(pygame.K_a, PULL_REPEAT_S * (pulls - 1) + 0.3)
        self.wait(self.deliberate_s)
        self.tap(pygame.K_b)

    def one_pass(self, index: int, site: int, lateral: float, cranial: float, pulls: int) -> None:
        inputs0, frames0 = self.run.inputs, self.frames
        self.aim(lateral, cranial)
        if not self.sim.needle.inserted:
            self.tap(pygame.K_RETURN)
        over, danger = self.penetrate()
        if over is not None and not danger and self.sim.needle.tissue.value == "marrow":
            self.harvest_at_spot(pulls)
        else:
            self.tap(pygame.K_b)
        self.run.passes.append(
            PassResult(
                index,
                site,
                None if over is None else round(over, 3),
                danger,
                self.run.inputs - inputs0,
                round((self.frames - frames0) * FRAME_S, 3),
            )
        )

    def harvest(self, passes: int | None = None) -> TraineeRun:
        """Make ``passes`` bone penetrations, or (None) pass on until the target volume."""
        self.mark_sites()
        th = Thresholds()
        pulls = max(1, int(th.penetration_ok_ml // PULL_ML))
        aims = _aims(th, obese=self.sim.anatomy.soft_mm > 45.0)
        index, site = 0, 0
        self.to_needle(site)
        self.set_pull(PULL_ML)
        while not self.sim.ended:
            if passes is not None and index >= passes:
                break
            if passes is None and self.sim.bag.volume_ml >= self.run.target_ml:
                break
            per_site = len(aims)
            if index and index % per_site == 0:  # this site's aims are used: the other hip
                self.tap(pygame.K_x)
                site = 1 - site
                self.to_needle(site)
            lateral, cranial = aims[index % per_site]
            self.one_pass(index, site, lateral, cranial, pulls)
            index += 1
            if passes is None and index > 400:
                break
        self.run.collected_ml = self.sim.bag.volume_ml
        self.run.real_s = self.frames * FRAME_S
        return self.run


def _aims(th: Thresholds, obese: bool) -> list[tuple[float, float]]:
    """Aims a taught trainee cycles through at one skin site: inside the full-credit band, two
    degrees apart, so each bone entry reaches fresh marrow."""
    lat_lo, lat_hi = th.lateral_band_deg
    cra_lo, cra_hi = th.cranial_band_deg
    if obese:  # the 10 cm needle reaches the bone through deep fat only near 17-21 degrees
        lat_hi = min(lat_hi, lat_lo + 4.0)
    lats = [lat for lat in range(math.ceil(lat_lo / 2) * 2, int(lat_hi) + 1, 2)]
    cras = [cra for cra in range(0, int(cra_hi) - 4, 4) if cra >= cra_lo]
    return [(float(lat), float(cra)) for cra in cras for lat in lats]
