"""The bedside monitor: ECG and pleth waveforms sweeping across, the numbers beside them, and
the alarms (the number's box turns red and flashes, its alarm named in words).

The traces are functions of time (``ecg_mv``, ``pleth_fraction``), so a frame at any moment
draws the same picture: the screen redraws only the monitor's rect, a few times a second
(``SWEEP_HZ``), and the rest of the window stays as it was drawn.
"""

from __future__ import annotations

import math

import pygame

from sim.i18n import N_, _
from sim.ui import theme
from sim.ui.render import Painter

SWEEP_S = 3.0  # seconds of trace across the strip
#: Redraws a second of the traces' strip while the monitor is shown.  Each window update costs
#: about 5 ms of CPU however small (SDL on X11, measured under Xvfb), so the sweep steps six
#: times a second: about 5 % of a core at rest, where 60 Hz would be most of one.
SWEEP_HZ = 6.0
ECG = (70, 220, 120)
PLETH = (86, 196, 240)
RESP = (240, 228, 66)
NIBP = (236, 238, 242)
TEMP = (214, 160, 200)
ALARM = theme.VERMILLION
SCREEN = (8, 12, 14)
GRID = (20, 34, 30)

#: What each number is, its colour and how it is written.
ROWS = (
    ("heart_rate_bpm", N_("HR"), "/min", ECG),
    ("nibp", N_("NIBP"), "mmHg", NIBP),
    ("spo2_pct", "SpO2", "%", PLETH),
    ("respiratory_rate_per_min", N_("RR"), "/min", RESP),
    ("temperature_c", N_("Temp"), "°C", TEMP),
)

#: The alarm's side, as the monitor shows it (in capitals).
ALARM_WORDS = {"low": N_("low"), "high": N_("high")}


def _g(x: float, mu: float, sigma: float) -> float:
    return math.exp(-0.5 * ((x - mu) / sigma) ** 2)


def ecg_mv(phase: float) -> float:
    """Lead II over one beat (``phase`` 0-1): P wave, QRS complex, T wave."""
    x = phase % 1.0
    return (
        0.12 * _g(x, 0.13, 0.03)
        - 0.12 * _g(x, 0.235, 0.012)
        + 1.0 * _g(x, 0.26, 0.014)
        - 0.25 * _g(x, 0.288, 0.014)
        + 0.28 * _g(x, 0.50, 0.055)
    )


def pleth_fraction(phase: float) -> float:
    """The pulse oximeter's pleth over one beat: a steep upstroke, the dicrotic notch."""
    x = (phase - 0.30) % 1.0
    return 0.9 * _g(x, 0.14, 0.07) + 0.32 * _g(x, 0.42, 0.09) + 0.05


def resp_fraction(t_s: float, rr: float) -> float:
    return 0.5 + 0.45 * math.sin(2 * math.pi * t_s * rr / 60.0)


def _trace(p: Painter, rect: pygame.Rect, colour, value, t_s: float, step: float = 1.0) -> None:
    """One sweeping trace: the newest sample at the sweep bar, the oldest just after it (the
    gap a real monitor leaves as it writes over the old sweep)."""
    head = (t_s % SWEEP_S) / SWEEP_S * rect.width
    gap = 10.0
    pts: list[tuple[float, float]] = []
    x = 0.0
    while x <= rect.width:
        if head < x < head + gap:
            if len(pts) > 1:
                p.lines(colour, pts, 2)
            pts = []
        else:
            age = (
                (head - x) / rect.width * SWEEP_S
                if x <= head
                else ((head + rect.width - x) / rect.width * SWEEP_S)
            )
            v = value(t_s - age)
            pts.append((rect.x + x, rect.bottom - v * rect.height))
        x += step
    if len(pts) > 1:
        p.lines(colour, pts, 2)


def draw_monitor(
    p: Painter,
    rect: pygame.Rect,
    vitals: dict[str, float],
    alarms: dict[str, str],
    t_s: float,
    *,
    nibp_age_min: float | None = None,
) -> None:
    """The monitor in ``rect`` (layout units) at animation time ``t_s``."""
    p.rect((40, 44, 50), rect, radius=10)
    screen = rect.inflate(-14, -14)
    p.rect(SCREEN, screen, radius=4)
    with p.area(screen, "monitor"):
        _draw_screen(p, screen, vitals, alarms, t_s, nibp_age_min)


def _split(screen: pygame.Rect) -> tuple[pygame.Rect, pygame.Rect]:
    """The monitor's screen: the waveforms on the left, the numbers on the right."""
    nums_w = max(190, round(screen.width * 0.36))
    waves = pygame.Rect(screen.x + 8, screen.y + 8, screen.width - nums_w - 20, screen.height - 16)
    nums = pygame.Rect(waves.right + 8, screen.y + 6, nums_w, screen.height - 12)
    return waves, nums


def waves_rect(rect: pygame.Rect) -> pygame.Rect:
    """Where the traces sweep in a monitor drawn in ``rect``: all that changes between two
    sweeps while the numbers and their alarms stay as they are."""
    return _split(rect.inflate(-14, -14))[0]


def flash_on(t_s: float) -> bool:
    """An alarm's box flashes twice a second."""
    return int(t_s * 2) % 2 == 0


def _draw_screen(p, screen, vitals, alarms, t_s, nibp_age_min) -> None:
    waves, nums = _split(screen)
    hr = vitals.get("heart_rate_bpm", 0.0)
    rr = vitals.get("respiratory_rate_per_min", 0.0)
    spo2 = vitals.get("spo2_pct", 0.0)
    beat_s = 60.0 / hr if hr > 0 else 1e9
    # The grid, then three strips: ECG, pleth, respiration.
    for gx in range(waves.x, waves.right, 20):
        p.line(GRID, (gx, waves.y), (gx, waves.bottom))
    for gy in range(waves.y, waves.bottom, 20):
        p.line(GRID, (waves.x, gy), (waves.right, gy))
    h = waves.height
    strips = [
        (pygame.Rect(waves.x, waves.y + 18, waves.width, round(h * 0.36) - 22), ECG, "II"),
        (pygame.Rect(waves.x, waves.y + round(h * 0.40) + 18, waves.width, round(h * 0.30) - 22),
         PLETH, N_("Pleth")),
        (pygame.Rect(waves.x, waves.y + round(h * 0.74) + 18, waves.width, round(h * 0.26) - 22),
         RESP, N_("Resp")),
    ]  # fmt: skip
    for r, colour, label in strips:
        p.text(_(label), (r.x + 2, r.y - 18), theme.SMALL, colour)
    ecg_r, pleth_r, resp_r = (s[0] for s in strips)
    perfusion = max(0.15, min(1.0, (vitals.get("systolic_mmhg", 120.0) - 50.0) / 70.0))
    _trace(p, ecg_r, ECG, lambda t: 0.25 + 0.7 * ecg_mv(t / beat_s), t_s)
    _trace(
        p,
        pleth_r,
        PLETH,
        lambda t: 0.5 + (pleth_fraction(t / beat_s) - 0.5) * perfusion * (spo2 > 0),
        t_s,
    )
    _trace(p, resp_r, RESP, lambda t: 0.1 + 0.8 * resp_fraction(t, rr), t_s, step=4.0)
    _draw_numbers(p, nums, vitals, alarms, flash_on(t_s), nibp_age_min)


def _fmt(key: str, vitals: dict) -> str:
    if key == "nibp":
        if "systolic_mmhg" not in vitals:
            return "-/-"
        return f"{vitals['systolic_mmhg']:.0f}/{vitals.get('diastolic_mmhg', 0):.0f}"
    v = vitals.get(key)
    if v is None:
        return "-"
    return f"{v:.1f}" if key == "temperature_c" else f"{v:.0f}"


def _draw_numbers(p, nums, vitals, alarms, flash_on: bool, nibp_age_min) -> None:
    """One row per number: its name over its unit (or its alarm) on the left, the value large
    on the right; an alarmed row's box red, flashing."""
    row_h = nums.height / len(ROWS)
    for i, (key, label, unit, colour) in enumerate(ROWS):
        r = pygame.Rect(nums.x, round(nums.y + i * row_h), nums.width, round(row_h) - 4)
        alarm_key = "systolic_mmhg" if key == "nibp" else key
        alarm = alarms.get(alarm_key)
        if alarm is None and key == "nibp":
            alarm = alarms.get("diastolic_mmhg")
        if alarm is not None:
            p.rect(ALARM if flash_on else (90, 30, 10), r, radius=4)
            colour = theme.TEXT
        with p.area(r, f"monitor {label}"):
            p.text(_(label), (r.x + 6, r.y + 1), theme.SMALL, colour, bold=True)
            below = unit
            if alarm is not None:
                below = _(ALARM_WORDS.get(alarm, alarm)).upper()
            elif key == "nibp" and nibp_age_min is not None:
                below = _("{min:.0f} min ago").format(min=nibp_age_min)
            p.text(below, (r.x + 6, r.bottom - 1), theme.SMALL, colour, bold=alarm is not None,
                   anchor="bottomleft")  # fmt: skip
            size = theme.TITLE if r.height >= 52 else theme.LARGE
            p.text(_fmt(key, vitals), (r.right - 6, r.centery), size, colour, bold=True,
                   anchor="midright")  # fmt: skip
