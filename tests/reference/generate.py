"""Generate the reference action scripts in this folder (expert, intermediate, novice).

The scripts are plain JSONL committed beside this file; this generator documents how they were
made.  It drives the simulation while it writes, so that state-dependent amounts (how far to
withdraw to get the tip back into soft tissue) are resolved into fixed numbers in the file.

    python -m tests.reference.generate            # rewrite all scripts
"""

from __future__ import annotations

import json
from pathlib import Path

from sim.attempt import Attempt
from sim.commands import parse_command
from sim.scenario import resolve_scenario

HERE = Path(__file__).parent

#: A "withdraw to just above the bone" placeholder, resolved against the live simulation.
TO_SOFT = "to_soft"


def careful_harvest(
    target_ml: float, pull_ml: float = 5.0, pulls_per_penetration: int = 2, sites: int = 4
) -> list[dict]:
    """Expert technique: sites at the PSIS, aim toward the ASIS, stop at the give, small pulls
    at spread depths, a new bone penetration every <= 10 mL."""
    marks = [
        ("left_psis", 0, 0),
        ("left_psis", 10, 12),
        ("right_psis", 0, 0),
        ("right_psis", 10, 12),
    ][:sites]
    cmds: list[dict] = [
        {"do": "mark_site", "landmark": lm, "lateral_mm": lat, "cranial_mm": cr}
        for lm, lat, cr in marks
    ]
    angles = [(lat, cr) for cr in (0, 12, 24, 6, 18) for lat in (14, 20, 26, 17, 23)]
    per_site = target_ml / len(marks)
    for site in range(len(marks)):
        cmds.append({"do": "insert", "site": site, "lateral_deg": 24, "cranial_deg": 0})
        got, k = 0.0, 0
        while got < per_site - 1e-6:
            if k:
                lat, cr = angles[k % len(angles)]
                cmds.append({"do": "redirect", "lateral_deg": lat, "cranial_deg": cr})
            cmds.append({"do": "advance", "mm": 60, "twist": True, "stop_on": "loss_of_resistance"})
            if (k // len(angles)) % 2:
                cmds.append({"do": "advance", "mm": 6})
            cmds.append({"do": "remove_stylet"})
            for p in range(pulls_per_penetration):
                cmds.append({"do": "aspirate", "ml": pull_ml})
                got += pull_ml
                if p < pulls_per_penetration - 1:
                    cmds.append({"do": "advance", "mm": 10})
            cmds.append({"do": "replace_stylet"})
            cmds.append({"do": "withdraw", "mm": TO_SOFT})
            k += 1
        cmds.append({"do": "remove_needle"})
    cmds.append({"do": "end"})
    return cmds


def resolve(scenario_id: str, cmds: list[dict], seed: int = 1) -> list[dict]:
    """Run the commands, fixing TO_SOFT withdrawals to 4 mm short of the bone depth."""
    attempt = Attempt(resolve_scenario(scenario_id), seed)
    out = []
    for cmd in cmds:
        if cmd.get("mm") == TO_SOFT:
            depth = attempt.sim.needle.depth_mm
            cmd = {"do": "withdraw", "mm": round(depth - (attempt.sim.anatomy.soft_mm - 4.0), 2)}
        attempt.apply(parse_command(cmd))
        out.append(cmd)
    return out


def write(name: str, cmds: list[dict]) -> Path:
    path = HERE / f"{name}.jsonl"
    path.write_text("".join(json.dumps(c) + "\n" for c in cmds), encoding="utf-8")
    return path


SCRIPTS = {
    "adult-standard-expert": ("adult-standard", lambda: careful_harvest(1060, 5.0, 2)),
}


def main() -> None:
    for name, (scenario_id, make) in SCRIPTS.items():
        print(write(name, resolve(scenario_id, make())))


if __name__ == "__main__":
    main()
