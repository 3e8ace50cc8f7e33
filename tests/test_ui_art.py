"""The trainer's drawing: the section solved exactly and drawn without a staircase, the needle
as an instrument (stylet sliding), the give on the gauge, the syringe's colour, the bag."""

from __future__ import annotations

import math
import random

import numpy as np
import pygame
import pytest

from sim.model.tissue import Tissue
from sim.ui import theme
from sim.ui.art import gauges
from sim.ui.art.section_art import TISSUES, paint_section
from sim.ui.art.section_geometry import solve_section
from sim.ui.screens.section import S_RANGE_MM, T_RANGE_MM, aim_axis, render_section
from sim.vocabulary import commands as c
from tests.helpers import attempt
from tests.ui.driver import key, make_app, run

ENTRY = (2.0, 4.0)


@pytest.fixture(scope="module")
def anatomy():
    return attempt().sim.anatomy


def _geometry(anatomy, lateral=24.0, cranial=0.0, width_mm=150.0):
    s0 = S_RANGE_MM[0]
    return solve_section(
        anatomy, ENTRY, aim_axis(lateral, cranial), (s0, s0 + width_mm), T_RANGE_MM
    )


# ----------------------------------------------------------------------------- the section
@pytest.mark.parametrize("aim", [(24.0, 0.0), (0.0, 0.0), (10.0, -20.0), (35.0, 15.0)])
def test_every_cell_is_one_tissue_by_the_model(anatomy, aim):
    geom = _geometry(anatomy, *aim)
    h = aim_axis(*aim)
    rng = random.Random(1)
    assert {Tissue.FAT, Tissue.SKIN, Tissue.AIR} <= geom.tissues()
    for cell in geom.cells:
        poly = cell.polygon
        for _ in range(4):  # random points strictly inside the convex cell
            w = [rng.random() + 0.05 for _ in poly]
            total = sum(w)
            s = sum(wi * p[0] for wi, p in zip(w, poly, strict=True)) / total
            t = sum(wi * p[1] for wi, p in zip(w, poly, strict=True)) / total
            point = (ENTRY[0] + s * h[0], ENTRY[1] + s * h[1], t)
            assert anatomy.classify(point) == cell.tissue


def test_boundaries_lie_exactly_where_the_track_profiles_change(anatomy):
    geom = _geometry(anatomy)
    h = aim_axis(24.0, 0.0)
    for s in np.linspace(-40.0, 100.0, 29):
        origin = (ENTRY[0] + s * h[0], ENTRY[1] + s * h[1], 0.0)
        prof = anatomy.profile(origin, (0.0, 0.0, 1.0), T_RANGE_MM[1])
        for seg in prof.segments[1:]:
            t = seg.start_mm
            gap = min(_distance_to_segment((s, t), b.a, b.b) for b in geom.boundaries)
            assert gap < 1e-6, (s, t, seg.tissue)


def _distance_to_segment(p, a, b) -> float:
    ax, ay = a
    dx, dy = b[0] - ax, b[1] - ay
    k = max(0.0, min(1.0, ((p[0] - ax) * dx + (p[1] - ay) * dy) / (dx * dx + dy * dy)))
    return math.hypot(p[0] - ax - k * dx, p[1] - ay - k * dy)


def test_bone_surface_follows_the_exact_line_within_a_pixel_at_any_size(anatomy):
    """No staircase: where the fat meets the bone, the first bone pixel of every column is
    within about a pixel of the true surface (the former 1.5 mm column raster was off by up to
    3.3 px at 522 px high and 6 px at 1044: the staircase)."""
    pygame.init()
    for height in (522, 1044):
        ppm = height / (T_RANGE_MM[1] - T_RANGE_MM[0])
        width = round(150 * ppm)
        geom = _geometry(anatomy)
        _surf, label = paint_section(geom, (width, height), ppm, anatomy.skin_mm)
        fat, cortex = TISSUES.index(Tissue.FAT), TISSUES.index(Tissue.OUTER_CORTEX)
        edges = [
            b
            for b in geom.boundaries
            if {b.inner, b.outer} == {Tissue.FAT, Tissue.OUTER_CORTEX}
            and abs(b.b[0] - b.a[0]) * ppm > 40
        ]
        assert edges
        worst = 0.0
        for b in edges:
            (s0, t0), (s1, t1) = sorted((b.a, b.b))
            for x in range(
                math.ceil((s0 - geom.view[0]) * ppm) + 3, int((s1 - geom.view[0]) * ppm) - 3
            ):
                s = geom.view[0] + (x + 0.5) / ppm
                t = t0 + (t1 - t0) * (s - s0) / (s1 - s0)
                y_true = (t - geom.view[2]) * ppm
                col = label[x]
                rows = np.nonzero((col[:-1] == fat) & (col[1:] == cortex))[0]
                if rows.size == 0:
                    continue
                y = rows[np.argmin(np.abs(rows + 1 - y_true))] + 1
                worst = max(worst, abs(y - y_true))
        assert worst <= 1.5, (height, worst)


def test_section_is_drawn_at_the_rect_size_and_its_edges_are_anti_aliased(anatomy):
    pygame.init()
    for rect in (pygame.Rect(10, 78, 880, 522), pygame.Rect(15, 117, 1320, 783)):
        sec = render_section(anatomy, ENTRY, 24.0, 0.0, rect)
        assert sec.surface.get_size() == rect.size
        assert sec.camera.px_per_mm == pytest.approx(rect.height / 122.0)
    # Across the skin's surface the colours step through blends, not one jump.
    px = pygame.surfarray.array3d(sec.surface)
    column = px[rect.width // 2, :, :].astype(int)
    steps = np.abs(np.diff(column, axis=0)).sum(axis=1)
    assert (steps > 0).sum() > 10


# ----------------------------------------------------------------------------- the window
@pytest.fixture
def app():
    a = make_app(seed=1)
    yield a
    pygame.quit()


def to_needle_view(app, lateral=24.0):
    run(app, 2)
    key(app, pygame.K_RETURN)
    key(app, pygame.K_RETURN)
    proc = app.top
    proc.session.submit(c.MarkSite(landmark="left_psis"))
    key(app, pygame.K_TAB)
    proc.hand.lateral_deg = lateral
    run(app)
    return proc


def gauge_rects(app, colour):
    """Filled rects of ``colour`` in the side panel (the gauge's bars)."""
    side = app.top.needle_panel.side
    return [
        t
        for t in app.painter.transcript
        if t[0] == "rect" and t[1] == colour and t[3] == 0 and side.contains(pygame.Rect(t[2]))
    ]


def test_the_give_is_on_the_gauge_on_its_frame_and_the_needle_jolts(app):
    proc = to_needle_view(app)
    sim = proc.session.sim
    key(app, pygame.K_RETURN)  # insert
    key(app, pygame.K_LSHIFT)
    key(app, pygame.K_SPACE)
    seen_cortex_bar = False
    for _ in range(1200):
        run(app)
        if any(e["type"] == "loss_of_resistance" for e in sim.events):
            break
        if sim.needle.tissue.is_cortex and gauge_rects(app, theme.ORANGE):
            seen_cortex_bar = True
            assert gauges.GIVE_LABEL not in app.painter.texts()
    else:
        pytest.fail("no give")
    assert seen_cortex_bar  # resistance building: the amber bar
    # The frame of the give: the label, the collapsed sky-blue bar, no amber bar, a jolt.
    assert gauges.GIVE_LABEL in app.painter.texts()
    assert gauge_rects(app, theme.SKY_BLUE) and not gauge_rects(app, theme.ORANGE)
    assert proc.needle_panel.motion.jolt_mm() != (0.0, 0.0)
    key(app, pygame.K_SPACE, up=True)
    key(app, pygame.K_LSHIFT, up=True)
    for _ in range(40):  # still there while the hand lets go (about 0.7 s)
        run(app)
        assert sim.needle.tissue == Tissue.MARROW
        assert gauges.GIVE_LABEL in app.painter.texts()
    run(app, 60)
    assert gauges.GIVE_LABEL not in app.painter.texts()
    assert proc.needle_panel.motion.jolt_mm() == (0.0, 0.0)


def test_the_stylet_slides_out_and_back_over_a_few_frames(app):
    proc = to_needle_view(app)
    s = proc.session
    s.submit(c.Insert(site=0, lateral_deg=24.0))
    s.submit(c.Advance(mm=60, twist=True, stop_on="loss_of_resistance"))
    motion, needle = proc.needle_panel.motion, s.sim.needle
    key(app, pygame.K_s)
    assert not needle.stylet_in
    shown = []
    for _ in range(40):
        shown.append(motion.stylet_out_mm(needle, 130.0))
        run(app)
    sliding = [v for v in shown if v is not None]
    assert len(sliding) >= 10  # several frames, not a jump
    assert sliding == sorted(sliding) and sliding[-1] > 100
    assert shown[-1] is None  # then out of the needle
    assert not any(t[0] == "aapolygon" and t[3] == "stylet" for t in app.painter.transcript)
    key(app, pygame.K_s)
    back = []
    for _ in range(40):
        back.append(motion.stylet_out_mm(needle, 130.0))
        run(app)
    assert back[0] > 100 and back[-1] == 0.0 and back == sorted(back, reverse=True)
    assert any(t[0] == "aapolygon" and t[3] == "stylet cap" for t in app.painter.transcript)


def _fluid_colours(app, panel) -> set:
    barrel = panel.syringe_barrel
    return {
        t[1]
        for t in app.painter.transcript
        if t[0] == "rect" and t[3] == 0 and barrel.contains(pygame.Rect(t[2]))
    }


def test_the_syringe_fills_with_marrow_dark_and_blood_bright(app):
    proc = to_needle_view(app)
    s = proc.session
    s.submit(c.Insert(site=0, lateral_deg=24.0))
    s.submit(c.Advance(mm=60, twist=True, stop_on="loss_of_resistance"))
    s.submit(c.RemoveStylet())
    s.submit(c.HepariniseSyringes())  # unheparinised marrow may clot in the syringe
    panel = proc.needle_panel
    colours = []
    for ml in (1.0, 20.0):
        s.submit(c.Aspirate(ml=ml))
        ev = next(e for e in reversed(s.sim.events) if e["type"] == "aspirated")
        run(app, 2)
        filling, _ = panel.motion.syringe()
        assert 0 < filling < ml  # it fills over the pull, not at once
        run(app, 50)
        assert panel.motion.syringe()[0] == ml
        expected = gauges.pull_colour(ev["ml"], ev["marrow_ml"])
        assert expected in _fluid_colours(app, panel)
        colours.append((ev["marrow_ml"] / ev["ml"], expected))
        run(app, 120)  # emptied into the bag
        assert panel.motion.syringe() == (0.0, None)
        assert panel.motion.bag_ml() == pytest.approx(ev["bag_ml"])
    (rich, dark), (poor, bright) = colours
    assert rich > poor and dark != bright
    assert sum(dark) < sum(bright)  # marrow is the deeper, darker red


def test_pull_colour_blends_blood_to_marrow():
    assert gauges.pull_colour(5.0, 0.0) == theme.BLOOD_FLUID
    assert gauges.pull_colour(2.0, 2.0) == theme.MARROW_FLUID
    half = gauges.pull_colour(4.0, 2.0)
    assert all(
        min(a, b) <= h <= max(a, b)
        for a, b, h in zip(theme.BLOOD_FLUID, theme.MARROW_FLUID, half, strict=True)
    )


# ----------------------------------------------------------------------------- the back
def tagged(app, tag: str) -> int:
    return sum(1 for t in app.painter.transcript if t[0] == "aapolygon" and t[3] == tag)


def test_the_whole_patient_is_drawn_and_strips_and_dressing_appear_after_their_steps(app):
    proc = to_needle_view(app)
    s = proc.session
    s.submit(c.MarkSite(landmark="right_psis"))
    for site in (0, 1):
        s.submit(c.Insert(site=site, lateral_deg=24.0))
        s.submit(c.RemoveNeedle())
    key(app, pygame.K_d)
    assert proc.sub == "dorsal"
    run(app)
    assert tagged(app, "patient under the drape") == 1 and tagged(app, "sterile window") == 1
    assert any(t[0] == "blit" and t[1] == "draped back" for t in app.painter.transcript)
    assert tagged(app, "steri-strip") == 0 and tagged(app, "pressure dressing") == 0
    s.submit(c.SteriStrips(count=2))
    run(app)
    assert tagged(app, "steri-strip") == 2 and tagged(app, "pressure dressing") == 0
    s.submit(c.PressureDressing())
    run(app)
    assert tagged(app, "pressure dressing") == 1
    assert "pressure dressing" in app.painter.texts()


def test_the_handover_punctures_get_their_strips_in_the_nursing_scenario():
    from sim.ui.render import Fonts, Painter
    from sim.ui.screens.dorsal import AREA, DorsalPanel

    pygame.init()
    a = attempt("post-procedure-care")
    a.apply(c.SteriStrips(count=4))
    surf = pygame.Surface((AREA.right, AREA.bottom))
    p = Painter(surf, Fonts(), record=True)
    panel = DorsalPanel(a.sim.anatomy, 4, False)
    panel.draw(p, a.sim.sites, -1, {}, events=a.sim.events)
    strips = [t for t in p.transcript if t[0] == "aapolygon" and t[3] == "steri-strip"]
    assert len(strips) == 4
    spots = panel.strip_positions(a.sim.sites)
    assert sorted(side for _x, _y, side in spots) == ["left", "left", "right", "right"]
    assert len({(round(x), round(y)) for x, y, _s in spots}) == 4  # four separate punctures


# ----------------------------------------------------------------------------- native pixels
def test_the_pictures_are_made_at_the_windows_pixels_and_the_art_placed_in_units(app):
    """At 1920x1080 (1.5 px per layout unit) the section, the back and the whole-needle inset
    are painted at the window's pixel size (never scaled up), and the needle and gauge are
    placed in layout units like the rest of the screen."""
    from sim.ui.screens import dorsal

    app.resize((1920, 1080))
    proc = to_needle_view(app)
    p = app.painter
    assert p.scale == pytest.approx(1.5)
    panel = proc.needle_panel
    proc.session.submit(c.Insert(site=0, lateral_deg=24.0))
    run(app)
    site = proc.session.sim.sites[0]
    n = proc.session.needle
    sec = panel.section_for(site, n.lateral_deg, n.cranial_deg, p.scale)
    assert sec.surface.get_size() == p.px_rect(panel.area).size
    assert sec.camera.px_per_mm == pytest.approx(panel.area.height / 122.0)  # units per mm
    whole = panel.whole_rect(p, sec.axis).inflate(-12, -8)
    assert panel._whole[1].get_size() == p.px_rect(whole).size
    walls = [t for t in p.transcript if t[0] == "aapolygon" and t[3] == "cannula"]
    assert walls  # the needle, drawn supersampled in the same units
    assert any(t[0] == "blit" and t[1] == "supersampled" for t in p.transcript)
    fine = pygame.Rect(*[t for t in p.transcript if t[1] == "supersampled"][0][2])
    assert panel.area.inflate(12, 12).contains(fine)  # where the needle shows, in units
    tip = [t[2] for t in p.transcript if t[0] == "circle" and t[1] == theme.YELLOW][-1]
    assert fine.collidepoint(tip)
    key(app, pygame.K_d)
    run(app)
    back = [s for s in dorsal._BACKS.values() if s.get_size() == p.px_rect(proc.dorsal.area).size]
    assert back


def test_the_patient_inset_keeps_off_the_crest_and_the_hints_in_a_narrow_area(anatomy):
    from sim.ui.screens.dorsal import DorsalPanel

    panel = DorsalPanel(anatomy, 4, True)
    m = panel.map
    for area in (pygame.Rect(10, 78, 880, 506), pygame.Rect(388, 78, 450, 506)):
        panel.set_area(area)
        box = panel.overview_rect()
        assert area.contains(box) and box.height >= 100
        keep = [panel._px(x, y) for x, y in m.crest["left"][:11]]
        keep += [panel._px(*m.cluneal["left"]), panel._px(*m.psis["left"])]
        assert not any(box.collidepoint(pt) for pt in keep), area


def test_the_last_pull_is_named_by_the_scorings_rule(app):
    """The side panel's word for the last pull follows the scoring's thin-pull threshold
    (a good pull is not called 'mostly blood' because most of a syringe is blood)."""
    from sim.vocabulary.technique import Thresholds

    proc = to_needle_view(app)
    s = proc.session
    s.submit(c.Insert(site=0, lateral_deg=24.0))
    s.submit(c.Advance(mm=60, twist=True, stop_on="loss_of_resistance"))
    s.submit(c.RemoveStylet())
    s.submit(c.Aspirate(ml=5.0))
    run(app)
    ev = proc.last_pull
    thin = ev["tnc_per_ml"] < Thresholds().thin_tnc_per_ml
    lines = [t for t in app.painter.texts() if t.startswith("Last pull")]
    assert lines == [f"Last pull 5 mL: {'thin, mostly blood' if thin else 'marrow'}"]
