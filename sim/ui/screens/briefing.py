"""Briefing: the donor and recipient, the target, the objectives and the time par."""

from __future__ import annotations

import pygame

from sim.i18n import N_, _, ngettext
from sim.scenario.length import SKILLS_LAB_FRACTION
from sim.scenario.schema import Scenario
from sim.trainer.modes import Mode
from sim.trainer.station import GUEST_ID, shown_trainee
from sim.ui import theme
from sim.ui.attempts import begin_attempt
from sim.ui.render import Button, Painter
from sim.ui.screens.base import View


def _kg(x: float) -> str:
    return f"{x:.0f} kg"


#: the donor's sex as the scenario gives it, shown as ``_(sex)``
SEX_WORDS = (N_("female"), N_("male"))


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
            p.text(s.text("title"), (40, 40), theme.TITLE, bold=True, max_width=w - 80)
            who = self.trainee or _("{guest} (no ID entered)").format(guest=shown_trainee(GUEST_ID))
            mode = _("{mode} mode").format(mode=_(self.mode.label))
            p.text(
                f"{who}  ·  {mode}  ·  {_(s.difficulty)}",
                (40, 86),
                theme.BODY,
                theme.SKY_BLUE,
                max_width=w - 80,
            )
            if self.assessment is not None:
                a = self.assessment
                p.paragraph(
                    _(
                        "Assessment '{name}': pass at {passing:g}% with no critical error. No "
                        "hints or warnings are shown; the result is stored and locked."
                    ).format(name=a["name"], passing=a["passing"]),
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
        with p.panel(left, _("The case")):
            rows = [
                (
                    _("Donor"),
                    _("{sex}, {age:.0f} y, {weight}, {height:.0f} cm (BMI {bmi:.1f})").format(
                        sex=_(d.sex),
                        age=d.age_years,
                        weight=_kg(d.weight_kg),
                        height=d.height_cm,
                        bmi=d.bmi,
                    ),
                ),
                (_("Position"), _("prone, under general anaesthesia")),
                (_("Recipient"), _kg(s.recipient.weight_kg)),
                (
                    _("Donor limit"),
                    f"{s.donor_limit_ml:.0f} mL ({s.targets.donor_limit_ml_per_kg:g} mL/kg)",
                ),
                (_("Skin sites"), f"{s.sites.min}-{s.sites.max}"),
            ]
            if s.kind == "nursing" and s.handover is not None:  # after the harvest, in recovery
                rows = [
                    rows[0],
                    (_("Where"), _("recovery, waking from anaesthesia")),
                    (
                        _("Skin sites"),
                        ngettext(
                            "{n} puncture site", "{n} puncture sites", s.handover.skin_sites
                        ).format(n=s.handover.skin_sites),
                    ),
                    (_("Harvested"), f"{s.handover.collected_ml:.0f} mL"),
                ]
            x, right = left.x + 16, left.right - 16
            # The case text takes the room the rows below it leave (a long one is not cut).
            label_w = max(p.fonts.size(k, theme.BODY)[0] for k, _v in rows)
            rows_h = sum(
                p.paragraph_height(v, right - (x + label_w + 18), theme.BODY) + 10 for _k, v in rows
            )
            top = left.y + 34
            room = left.bottom - 12 - rows_h - 14 - top
            text = " ".join(s.text("briefing").split())
            size = theme.BODY  # smaller when a narrow window or a longer language needs it
            if p.paragraph_height(text, right - x, size) > room:
                size = theme.SMALL
            y = p.paragraph(text, pygame.Rect(x, top, right - x, room), size)
            self._rows(p, rows, x, y + 14, right)

    def _draw_targets(self, p: Painter, s: Scenario) -> None:
        right = self.right
        with p.panel(right, _("Targets and objectives")):
            t = s.targets
            targets = [
                (_("Volume"), f"{s.target_volume_ml:.0f} mL"),
                (
                    _("Cell dose"),
                    _("{dose:.1f} x10^8 TNC per kg recipient").format(
                        dose=t.tnc_per_kg_recipient / 1e8
                    ),
                ),
            ]
            if s.kind == "nursing":
                targets = [(_("Task"), _("dressing, observations, teaching"))]
            elif s.length == "skills_lab":
                share = f"{SKILLS_LAB_FRACTION:.0%}"
                targets.insert(
                    0,
                    (_("Length"), _("skills lab: {share} of the full harvest").format(share=share)),
                )
            elif t.cd34_per_kg_recipient:
                targets.append(
                    (
                        "CD34+",
                        _("{dose:.1f} x10^6 per kg recipient").format(
                            dose=t.cd34_per_kg_recipient / 1e6
                        ),
                    )
                )
            targets.append(
                (
                    _("Time par"),
                    _("{par:.0f} min (limit {limit:.0f})").format(
                        par=s.time.par_s / 60, limit=s.time.limit_s / 60
                    ),
                )
            )
            x, r = right.x + 16, right.right - 16
            y = self._rows(p, targets, x, right.y + 36, r, bold=True)
            y += 8
            objectives = ["•  " + obj for obj in s.text("objectives")]
            steps = ", ".join(_(x.replace("_", " ")) for x in s.steps)
            steps_text = _("Procedure steps expected: ") + steps
            need = sum(p.paragraph_height(o, r - x, theme.BODY) + 6 for o in objectives)
            if s.steps:
                need += 4 + p.paragraph_height(steps_text, r - x, theme.SMALL)
            size = theme.BODY if y + need <= right.bottom - 8 else theme.SMALL
            for obj in objectives:
                y = p.paragraph(obj, pygame.Rect(x, y, r - x, right.bottom - y), size) + 6
            if s.steps:
                y += 4
                if p.paragraph_height(steps_text, r - x, theme.SMALL) > right.bottom - 8 - y:
                    # no room for the list (a small window, a longer language): how many,
                    # and where to see them
                    steps_text = _("Procedure steps expected: ") + _(
                        "{n} steps (T opens them)"
                    ).format(n=len(s.steps))
                p.paragraph(
                    steps_text,
                    pygame.Rect(x, y, r - x, right.bottom - 8 - y),
                    theme.SMALL,
                    theme.TEXT_DIM,
                )
