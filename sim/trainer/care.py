"""The nurse's care panel as data: the nursing actions in five groups, and their keys (no pygame).

A nursing scenario (``kind = "nursing"``) is run from its own screen, whose care panel offers
only nursing actions, grouped as a nurse thinks of them: assess, intervene, teach, escalate,
document.  Each action is one command of the vocabulary (``sim.vocabulary.commands``), the same
dict a script would send; the screen only picks one and, for an action that needs a value (the
fever threshold), asks for the number.

Keys: the group's number (1-5), then the action's number within it (1-9): every action is two
inputs away by keyboard, and two clicks by mouse (the group's tab, then the action's button).
An action that asks for a value takes a third input to open the number field (it is the action's
own press), then the typed digits and Enter confirm it.

The catalogue names commands by their ``do``; an entry whose command the vocabulary does not
have is left out, so the menu follows the core as it grows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sim.vocabulary import commands as c

GROUPS: tuple[str, ...] = ("assess", "intervene", "teach", "escalate", "document")
GROUP_LABELS: dict[str, str] = {
    "assess": "Assess",
    "intervene": "Intervene",
    "teach": "Teach",
    "escalate": "Escalate",
    "document": "Document",
}
MAX_PER_GROUP = 9  # number keys 1-9 within a group

#: Teaching items in plain words (discharge_teaching's ``items``).
TEACHING_LABELS: dict[str, str] = {
    "site_care": "Site care: keep it dry and clean",
    "signs_of_infection": "Signs of infection",
    "fever_threshold": "Fever: when to call (temperature)",
    "when_to_call": "When and whom to call",
    "dressing_removal_next_day": "Dressing off at the clinic tomorrow",
    "pain_relief": "Pain relief for 3-4 days",
    "activity": "Activity limits",
}


@dataclass(frozen=True)
class ValuePrompt:
    """A number the action needs, asked for in the window (e.g. the fever threshold)."""

    field: str
    label: str
    unit: str
    min_value: float
    max_value: float
    decimals: int = 1


@dataclass(frozen=True)
class CareAction:
    group: str
    label: str
    command: dict[str, Any]
    value: ValuePrompt | None = None

    def build(self, value: float | None = None) -> dict[str, Any]:
        """The command dict to send (with the typed value, when the action asks for one)."""
        cmd = dict(self.command)
        if self.value is not None:
            if value is None:
                raise ValueError(f"{self.label} needs {self.value.label}")
            cmd[self.value.field] = round(float(value), self.value.decimals)
        return cmd


@dataclass
class CareMenu:
    groups: dict[str, list[CareAction]] = field(default_factory=dict)

    def actions(self) -> list[CareAction]:
        return [a for g in GROUPS for a in self.groups.get(g, [])]

    def keys_for(self, action: CareAction) -> tuple[int, int]:
        """(group number, action number), both from 1: the two number keys that run it."""
        g = GROUPS.index(action.group)
        return g + 1, self.groups[action.group].index(action) + 1

    def at(self, group_no: int, action_no: int) -> CareAction | None:
        """The action under the number keys ``group_no`` then ``action_no`` (from 1)."""
        if not 1 <= group_no <= len(GROUPS):
            return None
        items = self.groups.get(GROUPS[group_no - 1], [])
        return items[action_no - 1] if 1 <= action_no <= len(items) else None


def _known(do: str) -> bool:
    return do in _COMMAND_NAMES


_COMMAND_NAMES: frozenset[str] = frozenset(
    obj.model_fields["do"].default
    for obj in vars(c).values()
    if isinstance(obj, type) and issubclass(obj, c._Command) and "do" in obj.model_fields
)


def _teaching(scenario) -> list[str]:
    care = getattr(scenario, "care", None)
    items = list(getattr(care, "teaching", None) or [])
    return items or list(c.TEACHING_ITEMS)


def _skin_sites(scenario) -> int:
    handover = getattr(scenario, "handover", None)
    return int(getattr(handover, "skin_sites", 0) or scenario.sites.max)


def fever_prompt() -> ValuePrompt:
    return ValuePrompt("fever_threshold_c", "the fever threshold", "°C", 35.0, 42.0, 1)


def care_menu(scenario) -> CareMenu:
    """The care panel's actions for ``scenario``, by group (each group at most 9)."""
    sites = _skin_sites(scenario)
    catalogue: list[CareAction] = [
        CareAction("assess", "Check identity against the handover", {"do": "time_out"}),
        CareAction("assess", "Full set of observations", {"do": "recovery_observations"}),
        CareAction(
            "intervene",
            f"Steri-Strip each puncture ({sites})",
            {"do": "steri_strips", "count": sites},
        ),
        CareAction("intervene", "Pressure dressing over the sites", {"do": "pressure_dressing"}),
        *[
            CareAction(
                "teach",
                TEACHING_LABELS.get(item, item.replace("_", " ")),
                {"do": "discharge_teaching", "items": [item]},
                fever_prompt() if item == "fever_threshold" else None,
            )
            for item in _teaching(scenario)
        ],
        CareAction("escalate", "Call the anaesthetist", {"do": "notify_anesthesia"}),
        CareAction("document", "Sign the care record and finish", {"do": "end"}),
    ]
    menu = CareMenu({g: [] for g in GROUPS})
    for action in catalogue:
        if _known(action.command["do"]):
            menu.groups[action.group].append(action)
    for g, items in menu.groups.items():
        if len(items) > MAX_PER_GROUP:
            raise ValueError(f"care group {g} has {len(items)} actions; at most {MAX_PER_GROUP}")
    return menu


def parse_value(text: str, prompt: ValuePrompt) -> tuple[float | None, str]:
    """A typed number for ``prompt``: (value, '') or (None, why not)."""
    try:
        v = float(text.strip().replace(",", "."))
    except ValueError:
        return None, f"Type {prompt.label} as a number, e.g. {prompt.min_value + 3:.1f}"
    if not prompt.min_value <= v <= prompt.max_value:
        return None, (
            f"{prompt.label.capitalize()} must be {prompt.min_value:g}-{prompt.max_value:g} "
            f"{prompt.unit}"
        )
    return v, ""
