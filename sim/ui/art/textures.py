"""Seeded, tileable tissue textures made with numpy (no pygame here).

Each texture is a square tile ``TILE`` pixels wide that repeats without a seam, drawn for one
millimetre-to-pixel scale so its features keep their size in millimetres: cancellous bone as a
lattice of thin trabeculae with red marrow (and a little fat) between them, cortical bone as
ivory with Haversian pores, subcutaneous fat as rounded lobules with thin septa, muscle as fibres
grouped in fascicles, and the danger zones as their safe-palette colour with anti-aliased
hatching (a different hatch for each, so they differ without colour).  Arrays are indexed
``[x, y, rgb]`` like ``pygame.surfarray``.  Tiles are cached per kind and scale.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

TILE = 256
SEED = 20240611

Colour = tuple[int, int, int]


# ----------------------------------------------------------------------------- noise
def _grid(size: int) -> tuple[np.ndarray, np.ndarray]:
    c = np.arange(size, dtype=np.float64) + 0.5
    return c[:, None], c[None, :]


def value_noise(size: int, cells: int, rng: np.random.Generator) -> np.ndarray:
    """Smooth periodic noise in 0..1 with ``cells`` lattice cells across the tile."""
    lattice = rng.random((cells, cells))
    x, y = _grid(size)
    fx, fy = x * cells / size, y * cells / size
    ix, iy = np.floor(fx).astype(int), np.floor(fy).astype(int)
    tx, ty = fx - ix, fy - iy
    sx, sy = tx * tx * (3 - 2 * tx), ty * ty * (3 - 2 * ty)
    i0, i1 = ix % cells, (ix + 1) % cells
    j0, j1 = iy % cells, (iy + 1) % cells
    a = lattice[i0, j0] * (1 - sx) + lattice[i1, j0] * sx
    b = lattice[i0, j1] * (1 - sx) + lattice[i1, j1] * sx
    return a * (1 - sy) + b * sy


def fbm(size: int, cells: int, rng: np.random.Generator, octaves: int = 3) -> np.ndarray:
    """Fractal sum of value noise, normalised to 0..1."""
    total = np.zeros((size, size))
    amp, norm = 1.0, 0.0
    for k in range(octaves):
        n = cells * 2**k
        if n > size // 2:
            break
        total += amp * value_noise(size, n, rng)
        norm += amp
        amp *= 0.5
    return total / norm


def worley(size: int, cells: int, rng: np.random.Generator, warp_px: float = 0.0):
    """Periodic cellular noise: distance (px) to the nearest and second-nearest feature point,
    and the nearest point's id, with ``cells`` jittered points across the tile.  ``warp_px``
    bends the lattice by smooth periodic noise (irregular, organic cells)."""
    cells = max(2, cells)
    step = size / cells
    jit = 0.1 + 0.8 * rng.random((cells, cells, 2))
    x, y = _grid(size)
    if warp_px:
        x = x + (value_noise(size, 5, rng) - 0.5) * 2 * warp_px
        y = y + (value_noise(size, 5, rng) - 0.5) * 2 * warp_px
    ci = np.floor(x / step).astype(int)
    cj = np.floor(y / step).astype(int)
    f1 = np.full((size, size), np.inf)
    f2 = np.full((size, size), np.inf)
    ids = np.zeros((size, size), dtype=np.int64)
    for di in (-1, 0, 1):
        for dj in (-1, 0, 1):
            ii, jj = ci + di, cj + dj
            im, jm = ii % cells, jj % cells
            px = (ii + jit[im, jm, 0]) * step
            py = (jj + jit[im, jm, 1]) * step
            d = np.hypot(px - x, py - y)
            idv = im * cells + jm
            closer = d < f1
            f2 = np.where(closer, f1, np.minimum(f2, d))
            ids = np.where(closer, idv, ids)
            f1 = np.where(closer, d, f1)
    return f1, f2, ids


def _coverage(distance_px: np.ndarray, half_width_px: float) -> np.ndarray:
    """Anti-aliased coverage of a line of half width ``half_width_px`` at ``distance_px``."""
    return np.clip(half_width_px + 0.5 - distance_px, 0.0, 1.0)


def _mix(a: np.ndarray, b, k: np.ndarray) -> np.ndarray:
    b = np.asarray(b, dtype=np.float64)
    return a + (b - a) * k[..., None]


def _solid(colour: Colour, size: int = TILE) -> np.ndarray:
    return np.broadcast_to(np.asarray(colour, dtype=np.float64), (size, size, 3)).copy()


def _finish(rgb: np.ndarray) -> np.ndarray:
    return np.clip(rgb, 0, 255).astype(np.uint8)


def _cells(size_mm: float, ppm: float) -> int:
    """Lattice cells across a tile for features ``size_mm`` apart."""
    return max(2, round(TILE / max(1.0, size_mm * ppm)))


# ----------------------------------------------------------------------------- tissues
MARROW_RED: Colour = (150, 28, 40)
MARROW_DEEP: Colour = (112, 16, 30)
MARROW_FAT: Colour = (234, 206, 160)
TRABECULA: Colour = (236, 222, 192)
TRABECULA_SHADE: Colour = (196, 176, 146)
CORTEX: Colour = (240, 232, 210)
CORTEX_PORE: Colour = (200, 184, 156)
INNER_CORTEX: Colour = (226, 220, 202)
FAT: Colour = (244, 214, 126)
FAT_SEPTUM: Colour = (214, 168, 112)
MUSCLE: Colour = (160, 66, 60)
MUSCLE_DARK: Colour = (126, 46, 46)
PERIMYSIUM: Colour = (212, 150, 136)
AIR: Colour = (28, 33, 42)


def marrow(ppm: float, seed: int = SEED) -> np.ndarray:
    """Cancellous bone: red marrow with fat vacuoles between thin, partly broken trabeculae."""
    rng = np.random.default_rng(seed)
    n = TILE
    tone = fbm(n, 4, rng)
    rgb = _mix(_solid(MARROW_RED, n), MARROW_DEEP, np.clip(tone * 1.4 - 0.3, 0, 1))
    # Fat vacuoles (adult iliac marrow is part fat): small pale rounds in some cells.
    f1, _f2, ids = worley(n, _cells(max(0.8, 5.0 / ppm), ppm), rng, warp_px=2.0)
    radius = max(1.4, 0.26 * ppm)
    pick = (np.sin(ids * 12.9898) * 43758.5453) % 1.0 < 0.2
    fat = _coverage(f1, radius) * pick
    rgb = _mix(rgb, MARROW_FAT, fat * 0.85)
    # Trabeculae: the edges of a bent cellular lattice; struts vary in thickness, some break.
    cells = _cells(max(1.4, 8.5 / ppm), ppm)  # ~1.4 mm, but legible on a small window
    f1, f2, _ids = worley(n, cells, rng, warp_px=0.35 * n / cells)
    edge = (f2 - f1) / 2.0
    thick = fbm(n, 3, rng)
    half = max(0.55, 0.1 * ppm) * (0.45 + 1.4 * thick**1.5)
    broken = fbm(n, 2 * cells // 3 or 2, rng, octaves=1) > 0.6
    strut = _coverage(edge, half) * ~broken
    halo = _coverage(edge, half + 1.2) * ~broken
    rgb = _mix(rgb, MARROW_DEEP, (halo - strut) * 0.6)
    shade = _mix(_solid(TRABECULA, n), TRABECULA_SHADE, fbm(n, 8, rng))
    return _finish(rgb + (shade - rgb) * strut[..., None])


def cortex(ppm: float, colour: Colour = CORTEX, seed: int = SEED + 1) -> np.ndarray:
    """Compact bone: ivory, faintly mottled, with sparse Haversian pores."""
    rng = np.random.default_rng(seed)
    n = TILE
    rgb = _solid(colour, n) * (0.96 + 0.06 * fbm(n, 8, rng))[..., None]
    f1, _f2, ids = worley(n, _cells(0.9, ppm), rng)
    pick = (np.sin(ids * 78.233) * 43758.5453) % 1.0 < 0.55
    pore = _coverage(f1, max(0.45, 0.05 * ppm)) * pick
    return _finish(_mix(rgb, CORTEX_PORE, pore * 0.8))


def fat(ppm: float, seed: int = SEED + 2) -> np.ndarray:
    """Subcutaneous fat: rounded lobules, lighter at their centres, with thin fibrous septa."""
    rng = np.random.default_rng(seed)
    n = TILE
    cells = _cells(3.2, ppm)
    f1, f2, ids = worley(n, cells, rng)
    step = n / cells
    lobe = 1.05 - 0.16 * np.clip(f1 / step, 0, 1)
    hue = 0.97 + 0.05 * ((np.sin(ids * 3.7) * 999.0) % 1.0)
    rgb = _solid(FAT, n) * (lobe * hue)[..., None]
    # The adipocytes themselves: a faint fine mesh.
    g1, g2, _ = worley(n, _cells(0.6, ppm), rng)
    rgb = _mix(rgb, FAT_SEPTUM, _coverage((g2 - g1) / 2, 0.35) * 0.18)
    septum = _coverage((f2 - f1) / 2, max(0.5, 0.06 * ppm))
    return _finish(_mix(rgb, FAT_SEPTUM, septum * 0.95))


def muscle(ppm: float, seed: int = SEED + 3) -> np.ndarray:
    """Skeletal muscle: fibres running obliquely, grouped in fascicles by thin perimysium."""
    rng = np.random.default_rng(seed)
    n = TILE
    x, y = _grid(n)
    warp = (fbm(n, 3, rng) - 0.5) * 1.6
    across = (-x + 2.0 * y) / n  # across the fibres; fibres run along (2, 1): down and across
    # Fibres (integer counts across the tile keep it seamless).
    k_fibre = max(8, round(n * 2.236 / (0.45 * ppm * 2.236**2)))
    k_fasc = max(3, round(n * 2.236 / (2.6 * ppm * 2.236**2)))
    fibre = 0.5 + 0.5 * np.cos(2 * np.pi * (k_fibre * across + warp * 3))
    fasc_phase = k_fasc * across + warp
    band = np.floor(fasc_phase).astype(int) % k_fasc
    shade = rng.random(k_fasc)[band]
    rgb = _mix(_solid(MUSCLE, n), MUSCLE_DARK, 0.25 * fibre + 0.35 * shade)
    frac = fasc_phase - np.floor(fasc_phase)
    dist = np.minimum(frac, 1 - frac) * n / (k_fasc * 2.236)
    rgb = _mix(rgb, PERIMYSIUM, _coverage(dist, max(0.5, 0.05 * ppm)) * 0.9)
    return _finish(rgb)


def hatched(colour: Colour, kind: str, ppm: float) -> np.ndarray:
    """A danger zone: its colour with anti-aliased hatching, ``kind`` '/', '\\' or 'x'."""
    n = TILE
    x, y = _grid(n)
    period = n / max(4, round(n / 12.0))  # about 12 px, a whole number of lines per tile
    rgb = _solid(colour, n)
    cover = np.zeros((n, n))
    for sign in {"/": (1,), "\\": (-1,), "x": (1, -1)}[kind]:
        u = (x + sign * y) % period
        d = np.abs(u - period / 2) / np.sqrt(2)
        cover = np.maximum(cover, _coverage(d, 1.3))
    return _finish(rgb * (1 - 0.45 * cover)[..., None])


def air(ppm: float, seed: int = SEED + 4) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return _finish(_solid(AIR) * (0.97 + 0.05 * fbm(TILE, 3, rng))[..., None])


@lru_cache(maxsize=64)
def tile(kind: str, ppm_key: float, colour: Colour | None = None) -> np.ndarray:
    """The cached tile of ``kind`` at ``ppm_key`` px/mm (rounded by the caller)."""
    ppm = float(ppm_key)
    if kind == "marrow":
        return marrow(ppm)
    if kind == "outer_cortex":
        return cortex(ppm)
    if kind == "inner_cortex":
        return cortex(ppm, INNER_CORTEX, SEED + 5)
    if kind == "fat":
        return fat(ppm)
    if kind == "muscle":
        return muscle(ppm)
    if kind == "air":
        return air(ppm)
    if kind.startswith("hatch"):
        assert colour is not None
        return hatched(colour, kind[len("hatch") :], ppm)
    assert colour is not None
    return _finish(_solid(colour))
