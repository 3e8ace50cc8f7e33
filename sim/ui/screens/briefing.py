"""Briefing: the donor and recipient, the target, the objectives and the time par."""

from __future__ import annotations

import pygame

from sim.scenario.schema import Scenario
from sim.trainer.modes import Mode
from sim.trainer.station import GUEST_ID
from sim.ui import theme
from sim.ui.attempts import begin_attempt
from sim.ui.render import Button, Painter
from sim.ui.screens.base import View


def _kg(x: float) -> str:
    return f"{x:.0f} kg"


class BriefingView(View):
    name = "briefing"

    def __init__(
        self, app, scenario: Scenario, trainee: str, mode: Mode, assessment: dict | None = None
    ) -> None:
        super().__init__(app)
        self.scenario = scenario
        self.trainee = trainee
        self.mode = mode
        self.assessment = assessment
        self.notice = ""
        self.begin = Button(pygame.Rect(1010, 650, 230, 46), "Begin procedure", "Enter")
        self.back = Button(pygame.Rect(40, 650, 200, 46), "Back", "Backspace")
        self.begin.focused = True

    def start(self) -> None:
        refused = begin_attempt(self.app, self.scenario, self.trainee, self.mode, self.assessment)
        if refused:
            self.notice = refused

    def go_back(self) -> None:
        self.app.go("launcher")

    def handle_event(self, event: pygame.event.Event) -> bool:
        if event.type == pygame.KEYDOWN:
            if event.key in (pygame.K_RETURN, pygame.K_KP_ENTER, pygame.K_SPACE):
                self.start()
                return True
            if event.key in (pygame.K_BACKSPACE, pygame.K_ESCAPE):
                self.go_back()
                return True
        if event.type == pygame.MOUSEBUTTONDOWN and event.button == 1:
            if self.begin.hit(event.pos):
                self.start()
                return True
            if self.back.hit(event.pos):
                self.go_back()
                return True
        return False

    def draw(self, p: Painter) -> None:
        s = self.scenario
        d = s.donor.to_donor()
        p.text("Briefing", (40, 24), theme.SMALL, theme.TEXT_DIM, bold=True)
        p.text(s.title, (40, 46), theme.TITLE, bold=True)
        who = self.trainee or f"{GUEST_ID} (no ID entered)"
        p.text(
            f"{who}  ·  {self.mode.label} mode  ·  {s.difficulty}",
            (40, 96),
            theme.BODY,
            theme.SKY_BLUE,
        )
        if self.assessment is not None:
            a = self.assessment
            p.text(
                f"Assessment '{a['name']}': pass at {a['passing']:g}% with no critical error. "
                "No hints or warnings are shown; the result is stored and locked.",
                (40, 120),
                theme.SMALL,
                theme.ORANGE,
            )

        left = pygame.Rect(40, 140, 580, 490)
        p.panel(left, "The case")
        rows = [
            (
                "Donor",
                f"{d.sex}, {d.age_years:.0f} y, {_kg(d.weight_kg)}, "
                f"{d.height_cm:.0f} cm (BMI {d.bmi:.1f})",
            ),
            ("Position", "prone, under general anaesthesia"),
            ("Recipient", _kg(s.recipient.weight_kg)),
            (
                "Donor limit",
                f"{s.donor_limit_ml:.0f} mL ({s.targets.donor_limit_ml_per_kg:g} mL/kg)",
            ),
            ("Skin sites", f"{s.sites.min}-{s.sites.max}"),
        ]
        if s.kind == "nursing" and s.handover is not None:  # after the harvest, in recovery
            rows = [
                rows[0],
                ("Where", "recovery, waking from anaesthesia"),
                ("Skin sites", f"{s.handover.skin_sites} puncture sites"),
                ("Harvested", f"{s.handover.collected_ml:.0f} mL"),
            ]
        # The case text takes the room the rows below it leave (a long briefing is not cut).
        room = 622 - 172 - 14 - 32 * len(rows)
        y = p.paragraph(" ".join(s.briefing.split()), pygame.Rect(56, 172, 548, room), theme.BODY)
        y += 14
        for k, v in rows:
            p.text(k, (56, y), theme.BODY, theme.TEXT_DIM)
            p.text(v, (200, y), theme.BODY)
            y += 32

        right = pygame.Rect(650, 140, 590, 490)
        p.panel(right, "Targets and objectives")
        t = s.targets
        y = 176
        targets = [
            ("Volume", f"{s.target_volume_ml:.0f} mL"),
            ("Cell dose", f"{t.tnc_per_kg_recipient / 1e8:.1f} x10^8 TNC per kg recipient"),
        ]
        if s.kind == "nursing":
            targets = [("Task", "dressing, observations, teaching")]
        elif t.cd34_per_kg_recipient:
            targets.append(("CD34+", f"{t.cd34_per_kg_recipient / 1e6:.1f} x10^6 per kg recipient"))
        targets.append(
            ("Time par", f"{s.time.par_s / 60:.0f} min (limit {s.time.limit_s / 60:.0f})")
        )
        for k, v in targets:
            p.text(k, (666, y), theme.BODY, theme.TEXT_DIM)
            p.text(v, (800, y), theme.BODY, bold=True)
            y += 32
        y += 10
        for obj in s.objectives:
            y = p.paragraph("•  " + obj, pygame.Rect(666, y, 556, 80), theme.BODY) + 6
        if s.steps:
            y += 6
            steps = ", ".join(x.replace("_", " ") for x in s.steps)
            p.paragraph(
                "Procedure steps expected: " + steps,
                pygame.Rect(666, y, 556, 60),
                theme.SMALL,
                theme.TEXT_DIM,
            )
        self.begin.draw(p)
        self.back.draw(p)
        if self.notice:
            p.text(self.notice, (260, 636), theme.SMALL, theme.VERMILLION, bold=True)
        p.text("F1: controls", (640, 672), theme.SMALL, theme.TEXT_DIM, anchor="midtop")
