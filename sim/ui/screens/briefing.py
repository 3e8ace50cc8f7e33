"""Briefing: the donor and recipient, the target, the objectives and the time par."""

from __future__ import annotations

import pygame

from sim.i18n import _
from sim.scenario.length import SKILLS_LAB_FRACTION
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
        self.begin = Button(label=_("Begin procedure"), key_hint="Enter")
        self.back = Button(label=_("Back"), key_hint="Backspace")
        self.begin.focused = True

    def layout(self, size: tuple[int, int]) -> None:
        w, _h = size
        self.begin.rect = pygame.Rect(w - 40 - 240, 650, 240, 46)
        self.back.rect = pygame.Rect(40, 650, 200, 46)
        half = (w - 80 - 30) // 2
        self.left = pygame.Rect(40, 144, half, 490)
        self.right = pygame.Rect(40 + half + 30, 144, w - 40 - (40 + half + 30), 490)

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
        w = p.width
        with p.area(pygame.Rect(30, 16, w - 60, 124), "header"):
            p.text(_("Briefing"), (40, 20), theme.SMALL, theme.TEXT_DIM, bold=True)
            p.text(s.title, (40, 40), theme.TITLE, bold=True, max_width=w - 80)
            who = self.trainee or f"{GUEST_ID} (no ID entered)"
            p.text(
                f"{who}  ·  {self.mode.label} mode  ·  {s.difficulty}",
                (40, 86),
                theme.BODY,
                theme.SKY_BLUE,
                max_width=w - 80,
            )
            if self.assessment is not None:
                a = self.assessment
                p.paragraph(
                    f"Assessment '{a['name']}': pass at {a['passing']:g}% with no critical "
                    "error. No hints or warnings are shown; the result is stored and locked.",
                    pygame.Rect(40, 110, w - 80, 30),
                    theme.SMALL,
                    theme.ORANGE,
                    line_gap=1,
                )
        self._draw_case(p, s, d)
        self._draw_targets(p, s)
        self.begin.draw(p)
        self.back.draw(p)
        between = pygame.Rect(
            self.back.rect.right + 10, 640, self.begin.rect.x - 20 - self.back.rect.right, 76
        )
        with p.area(between, "notice"):
            if self.notice:
                p.paragraph(
                    self.notice,
                    pygame.Rect(between.x, 644, between.width, 44),
                    theme.SMALL,
                    theme.VERMILLION,
                    bold=True,
                    line_gap=2,
                )
            p.text(
                _("F1: controls"),
                (between.centerx, 694),
                theme.SMALL,
                theme.TEXT_DIM,
                anchor="midtop",
            )

    @staticmethod
    def _rows(p: Painter, rows, x: int, y: int, right: int, bold: bool = False) -> int:
        """Label and value rows; the values start after the widest label.  Returns the y below."""
        label_w = max(p.fonts.size(k, theme.BODY)[0] for k, _v in rows)
        vx = x + label_w + 18
        for k, v in rows:
            p.text(k, (x, y), theme.BODY, theme.TEXT_DIM)
            y = p.paragraph(
                v, pygame.Rect(vx, y, right - vx, 200), theme.BODY, bold=bold, line_gap=4
            )
            y += 6
        return y

    def _draw_case(self, p: Painter, s: Scenario, d) -> None:
        left = self.left
        with p.panel(left, "The case"):
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
            x, right = left.x + 16, left.right - 16
            # The case text takes the room the rows below it leave (a long one is not cut).
            label_w = max(p.fonts.size(k, theme.BODY)[0] for k, _v in rows)
            rows_h = sum(
                p.paragraph_height(v, right - (x + label_w + 18), theme.BODY) + 10 for _k, v in rows
            )
            top = left.y + 34
            room = left.bottom - 12 - rows_h - 14 - top
            y = p.paragraph(
                " ".join(s.briefing.split()), pygame.Rect(x, top, right - x, room), theme.BODY
            )
            self._rows(p, rows, x, y + 14, right)

    def _draw_targets(self, p: Painter, s: Scenario) -> None:
        right = self.right
        with p.panel(right, "Targets and objectives"):
            t = s.targets
            targets = [
                ("Volume", f"{s.target_volume_ml:.0f} mL"),
                ("Cell dose", f"{t.tnc_per_kg_recipient / 1e8:.1f} x10^8 TNC per kg recipient"),
            ]
            if s.kind == "nursing":
                targets = [("Task", "dressing, observations, teaching")]
            elif s.length == "skills_lab":
                share = f"{SKILLS_LAB_FRACTION:.0%}"
                targets.insert(0, ("Length", f"skills lab: {share} of the full harvest"))
            elif t.cd34_per_kg_recipient:
                targets.append(
                    ("CD34+", f"{t.cd34_per_kg_recipient / 1e6:.1f} x10^6 per kg recipient")
                )
            targets.append(
                ("Time par", f"{s.time.par_s / 60:.0f} min (limit {s.time.limit_s / 60:.0f})")
            )
            x, r = right.x + 16, right.right - 16
            y = self._rows(p, targets, x, right.y + 36, r, bold=True)
            y += 8
            for obj in s.objectives:
                y = (
                    p.paragraph("•  " + obj, pygame.Rect(x, y, r - x, right.bottom - y), theme.BODY)
                    + 6
                )
            if s.steps:
                y += 4
                steps = ", ".join(x.replace("_", " ") for x in s.steps)
                p.paragraph(
                    "Procedure steps expected: " + steps,
                    pygame.Rect(x, y, r - x, right.bottom - 8 - y),
                    theme.SMALL,
                    theme.TEXT_DIM,
                )
