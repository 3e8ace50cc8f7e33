"""Idle CPU of the real trainer process in a real X window (Xvfb), screen by screen.

    python -m bench.ui_idle_process [--seconds 20] [--size 1920x1080] [--root DIR]

Starts ``python -m sim`` (the trainer window, a fresh records folder, no audio device) on the
X display in ``$DISPLAY``, or on a private Xvfb when there is none, drives it with ``xdotool``
to the launcher, the briefing, the needle view at rest (needle inserted, hand off) and the
debrief, and on each reads the process's CPU time from ``/proc/PID/stat`` (utime + stime, all
threads) over ``--seconds`` of wall time; ``top -b`` is read over the same interval beside it.
``--size`` resizes the window first (the picture is then scaled on every redraw). ``--root``
runs another checkout (e.g. an older commit unpacked with ``git archive``) for comparison.
Needs Linux, Xvfb and xdotool (``apt-get install xvfb xdotool``); not part of ``make bench``.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TICKS = os.sysconf("SC_CLK_TCK")

#: (screen, xdotool keys that lead there from the previous screen)
STEPS = (
    ("launcher", ()),
    ("briefing", ("Return",)),
    ("needle view at rest", ("Return", "l", "Return", "Tab", "Return")),
    ("debrief", ("e", "y")),
)


def cpu_ticks(pid: int) -> int:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15)


def measure(pid: int, seconds: float) -> dict:
    """CPU over ``seconds``: /proc ticks, and top over the same interval (run alongside)."""
    top = subprocess.Popen(
        ["top", "-b", "-d", f"{seconds:g}", "-n", "2", "-p", str(pid)],
        stdout=subprocess.PIPE,
        text=True,
    )
    c0, w0 = cpu_ticks(pid), time.perf_counter()
    time.sleep(seconds)
    c1, w1 = cpu_ticks(pid), time.perf_counter()
    out = top.communicate()[0]
    top_value = None
    lines = out.splitlines()
    header = [ln.split() for ln in lines if "%CPU" in ln]
    rows = [ln.split() for ln in lines if ln.strip().startswith(str(pid))]
    if header and rows:
        top_value = float(rows[-1][header[-1].index("%CPU")].replace(",", "."))
    cpu_s = (c1 - c0) / TICKS
    return {"cpu_s": cpu_s, "wall_s": w1 - w0, "pct": 100 * cpu_s / (w1 - w0), "top": top_value}


def xdo(*args: str) -> str:
    return subprocess.run(["xdotool", *args], capture_output=True, text=True).stdout.strip()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seconds", type=float, default=20.0)
    ap.add_argument("--size", default="", help="resize the window first, e.g. 1920x1080")
    ap.add_argument("--root", type=Path, default=ROOT, help="checkout to run (default: this)")
    args = ap.parse_args(argv)
    if not shutil.which("xdotool"):
        print("needs xdotool (apt-get install xdotool)", file=sys.stderr)
        return 2
    env = dict(os.environ)
    xvfb = None
    if not env.get("DISPLAY"):
        if not shutil.which("Xvfb"):
            print("no $DISPLAY and no Xvfb (apt-get install xvfb)", file=sys.stderr)
            return 2
        env["DISPLAY"] = ":93"
        xvfb = subprocess.Popen(
            ["Xvfb", env["DISPLAY"], "-screen", "0", "1920x1080x24", "-nolisten", "tcp"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(1.0)
    os.environ["DISPLAY"] = env["DISPLAY"]
    data_dir = tempfile.mkdtemp(prefix="marrowsim-idle-proc-")
    env.update(SDL_VIDEODRIVER="x11", SDL_AUDIODRIVER="dummy", MARROWSIM_DATA_DIR=data_dir)
    env.pop("MARROWSIM_MAX_FRAMES", None)
    app = subprocess.Popen(
        [sys.executable, "-m", "sim"],
        cwd=args.root,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    results = []
    try:
        wid = xdo("search", "--sync", "--pid", str(app.pid)).splitlines()[0]
        if args.size:
            w, h = args.size.split("x")
            xdo("windowsize", wid, w, h)
        time.sleep(2.0)  # start-up settles
        for name, keys in STEPS:
            for k in keys:
                xdo("windowfocus", "--sync", wid)
                xdo("key", "--delay", "150", k)
                time.sleep(0.4)
            time.sleep(1.5)  # the hand eases off, a screen's first frames
            results.append((name, measure(app.pid, args.seconds)))
    finally:
        app.terminate()
        app.wait(10)
        if xvfb is not None:
            xvfb.terminate()
    stored = stored_attempts(Path(data_dir))
    size = args.size or "1280x720 (default)"
    print(f"python -m sim in {args.root}, window {size}, {args.seconds:g} s per screen")
    print("| screen | CPU (/proc) | CPU time / wall | top -b |")
    print("|---|---|---|---|")
    for name, r in results:
        top = "-" if r["top"] is None else f"{r['top']:.1f} %"
        print(f"| {name} | {r['pct']:.2f} % | {r['cpu_s']:.2f} s / {r['wall_s']:.1f} s | {top} |")
    print(f"navigation check (the keys reached the debrief): attempts stored {stored}")
    return 0


def stored_attempts(data_dir: Path) -> list[str]:
    """The statuses of the attempts the run left in its records (one, complete, if the keys
    went where they should)."""
    from sim.records import RecordStore

    with RecordStore.open(data_dir) as store:
        return [a["status"] for a in store.attempts()]


if __name__ == "__main__":
    sys.exit(main())
