"""The nurse's care panel as data: the nursing actions in five groups, and their keys (no pygame).

A nursing scenario (``kind = "nursing"``) is run from its own screen, whose care panel offers
only nursing actions, grouped as a nurse thinks of them: assess, intervene, teach, escalate,
document.  Each action is one command of the vocabulary (``sim.vocabulary.commands``), the same
dict a script would send; the screen only picks one and, for an action that needs a value (the
fever threshold), asks for the number.

Keys: the group's number (1-5), then the action's number within it (1-9): every action is two
inputs away by keyboard, and two clicks by mouse (the group's tab, then the action's button).
An action with options (which puncture, which position, which drug, which decision) takes a
third input, the option's number or click.  An action that needs a value (the fever threshold)
opens a number field on its second input; the typed digits and Enter send it.

The groups and their commands are the core's (``sim.vocabulary.commands.NURSING_GROUPS``,
docs/nursing.md); the options are read from each command's fields, so the panel follows the
vocabulary as it grows.
"""

from __future__ import annotations

import typing
from dataclasses import dataclass, field
from typing import Any

from sim.i18n import N_, _
from sim.vocabulary import commands as c

GROUPS: tuple[str, ...] = ("assess", "intervene", "teach", "escalate", "document")
GROUP_LABELS: dict[str, str] = {
    "assess": N_("Assess"),
    "intervene": N_("Intervene"),
    "teach": N_("Teach"),
    "escalate": N_("Escalate"),
    "document": N_("Document"),
}
MAX_PER_GROUP = 9  # number keys 1-9 within a group
#: Firm pressure on a haematoma found at the next-day visit: 10 minutes (as the reference
#: expert, tests/reference/nursing.py).
HAEMATOMA_PRESSURE_S = 600.0

#: Teaching items in plain words (discharge_teaching's ``items``).
TEACHING_LABELS: dict[str, str] = {
    "site_care": N_("Site care: keep it dry and clean"),
    "signs_of_infection": N_("Signs of infection"),
    "fever_threshold": N_("Fever: when to call"),
    "when_to_call": N_("When and whom to call"),
    "dressing_removal_next_day": N_("Dressing comes off tomorrow"),
    "pain_relief": N_("Pain relief for 3-4 days"),
    "activity": N_("Activity limits"),
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
class Choice:
    label: str
    fields: dict[str, Any]


@dataclass(frozen=True)
class CareAction:
    """One entry of the care panel: a command, maybe with a choice (which site, which drug:
    the third input) or a value to type (the fever threshold)."""

    group: str
    label: str
    command: dict[str, Any]
    value: ValuePrompt | None = None
    choices: tuple[Choice, ...] = ()

    def build(self, value: float | None = None, choice: int | None = None) -> dict[str, Any]:
        """The command dict to send: with the typed value and the chosen option (from 0)."""
        cmd = dict(self.command)
        if self.choices:
            if choice is None or not 0 <= choice < len(self.choices):
                raise ValueError(f"{self.label}: choose one of {len(self.choices)}")
            cmd.update(self.choices[choice].fields)
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

    def inputs_for(self, command: dict[str, Any]) -> tuple[int, int, int | None, float | None]:
        """How the window sends ``command``: (group number, action number, option number from
        1 or None, value to type or None).  Commands are compared as the vocabulary reads them
        (defaults filled in, lists as sets).  LookupError when the panel cannot send it."""
        want = _normal(command)
        for action in self.actions():
            value = None
            if action.value is not None:
                value = command.get(action.value.field)
                if value is None:
                    continue
            options = range(len(action.choices)) if action.choices else [None]
            for choice in options:
                if _normal(action.build(value, choice)) == want:
                    g, n = self.keys_for(action)
                    return g, n, None if choice is None else choice + 1, value
        raise LookupError(f"the care panel has no action for {command}")


def _normal(command: dict[str, Any]) -> dict[str, Any]:
    full = c.parse_command(dict(command)).model_dump()
    return {k: tuple(sorted(v)) if isinstance(v, list | tuple) else v for k, v in full.items()}


_COMMAND_MODELS: dict[str, type] = {
    obj.model_fields["do"].default: obj
    for obj in vars(c).values()
    if isinstance(obj, type) and issubclass(obj, c._Command) and "do" in obj.model_fields
}

#: Labels of the nursing commands (the core's ``NURSING_GROUPS`` says which group each is in).
LABELS: dict[str, str] = {
    "handover": N_("Take the handover"),
    "time_out": N_("Check her identity (wristband)"),
    "recovery_observations": N_("Full set of observations"),
    "assess_pain": N_("Assess pain (0-10)"),
    "inspect_dressing": N_("Check the dressing"),
    "inspect_site": N_("Inspect a site"),
    "take_temperature": N_("Take her temperature"),
    "ask_symptoms": N_("Ask how she feels"),
    "review_bloods": N_("Review the blood results"),
    "position_donor": N_("Position her"),
    "steri_strips": N_("Steri-Strips on the punctures"),
    "pressure_dressing": N_("Pressure dressing"),
    "give_fluids": N_("Give fluids (500 mL, prescribed)"),
    "give_analgesia": N_("Give analgesia"),
    "remove_dressing": N_("Remove the dressing"),
    "notify_anaesthetist": N_("Tell the anaesthetist"),
    "call_doctor": N_("Call the doctor"),
    "document": N_("Write up the care"),
    "discharge_readiness": N_("Check discharge criteria"),
    "discharge": N_("Discharge her home"),
    "next_day_decision": N_("Decide: reassure, treat, escalate"),
    "end": N_("Finish: sign off and debrief"),
}
CHOICE_WORDS: dict[str, str] = {
    "prone": N_("prone"),
    "supine": N_("supine"),
    "flat_legs_raised": N_("flat, legs raised"),
    "paracetamol": N_("paracetamol"),
    "ibuprofen": N_("ibuprofen"),
    "oral_opioid": N_("oral opioid"),
    "reassure": N_("reassure"),
    "treat": N_("treat"),
    "escalate": N_("escalate"),
}


def _teaching(scenario) -> list[str]:
    care = getattr(scenario, "care", None)
    return list(getattr(care, "teaching", None) or [])


def _skin_sites(scenario) -> int:
    handover = getattr(scenario, "handover", None)
    return int(getattr(handover, "skin_sites", 0) or scenario.sites.max)


def _site_labels(scenario) -> list[str]:
    n = _skin_sites(scenario)
    handover = getattr(scenario, "handover", None)
    shown = getattr(scenario, "handover_text", None)  # in the trainer's language
    labels = list((shown("site_labels") if shown else None) or [])
    labels = labels or list(getattr(handover, "site_labels", None) or [])
    return [labels[i] if i < len(labels) else _("site {n}").format(n=i + 1) for i in range(n)]


def fever_prompt() -> ValuePrompt:
    lo, hi = getattr(c, "FEVER_THRESHOLD_RANGE_C", (35.0, 42.0))
    return ValuePrompt("fever_threshold_c", _("the fever threshold"), "°C", float(lo), float(hi), 1)


def _literal_choices(model: type, name: str) -> tuple[str, ...]:
    fld = model.model_fields.get(name)
    if fld is None:
        return ()
    args = typing.get_args(fld.annotation)
    if typing.get_origin(fld.annotation) is typing.Literal:
        return tuple(a for a in args if isinstance(a, str))
    return ()


def _action(scenario, group: str, do: str) -> list[CareAction]:
    """The panel entries for one nursing command."""
    model = _COMMAND_MODELS.get(do)
    if model is None:
        return []
    label = _(LABELS[do]) if do in LABELS else do.replace("_", " ").capitalize()
    sites = [Choice(text, {"site": i}) for i, text in enumerate(_site_labels(scenario))]
    if do == "inspect_site":
        return [CareAction(group, label, {"do": do}, choices=tuple(sites))]
    if do == "apply_pressure":  # as long as the scenario's care asks for (its pressure_min_s)
        held_s = float(getattr(getattr(scenario, "care", None), "pressure_min_s", 120) or 120)
        label = _("Press on a puncture ({min:g} min)").format(min=held_s / 60)
        return [
            CareAction(group, label, {"do": do, "s": held_s}, choices=tuple(sites)),
            CareAction(
                group,
                _("Press on a haematoma ({min:g} min)").format(min=HAEMATOMA_PRESSURE_S / 60),
                {"do": do, "s": HAEMATOMA_PRESSURE_S},
                choices=tuple(sites),
            ),
        ]
    if do == "steri_strips":  # strips go on the punctures in order: how many
        n = _skin_sites(scenario)
        counts = tuple(
            Choice(
                _("on all {k} punctures").format(k=k)
                if k == n
                else _("on the first {k}").format(k=k),
                {"count": k},
            )
            for k in range(n, 0, -1)
        )
        return [CareAction(group, _("Steri-Strips"), {"do": do}, choices=counts)]
    if do == "discharge_teaching":
        items = _teaching(scenario)
        out = [
            CareAction(
                group,
                _(TEACHING_LABELS[item]) if item in TEACHING_LABELS else item.replace("_", " "),
                {"do": do, "items": [item]},
                fever_prompt() if item == "fever_threshold" else None,
            )
            for item in items
        ]
        if len(items) > 1:
            out.append(
                CareAction(
                    group,
                    _("Everything above, in one talk"),
                    {"do": do, "items": list(items)},
                    fever_prompt() if "fever_threshold" in items else None,
                )
            )
        return out
    for name in ("position", "drug", "decision"):
        options = _literal_choices(model, name)
        if options:
            choices = tuple(
                Choice(_(CHOICE_WORDS.get(o, o.replace("_", " "))), {name: o}) for o in options
            )
            return [CareAction(group, label, {"do": do}, choices=choices)]
    return [CareAction(group, label, {"do": do})]


def care_menu(scenario) -> CareMenu:
    """The care panel's actions for ``scenario``, by group (each group at most 9), from the
    core's ``NURSING_GROUPS``; finishing (``end``) is the last of the document group."""
    table: dict[str, tuple[str, ...]] = dict(getattr(c, "NURSING_GROUPS", {}))
    grouped = {do for dos in table.values() for do in dos}
    if "time_out" in getattr(c, "NURSING_ACCEPTS", ()) and "time_out" not in grouped:
        assess = list(table.get("assess", ()))  # the identity check, beside the handover
        table["assess"] = (*assess[:1], "time_out", *assess[1:])
    menu = CareMenu({g: [] for g in GROUPS})
    for group in GROUPS:
        for do in table.get(group, ()):
            menu.groups[group].extend(_action(scenario, group, do))
    menu.groups["document"].append(CareAction("document", _(LABELS["end"]), {"do": "end"}))
    for g, items in menu.groups.items():
        if len(items) > MAX_PER_GROUP:
            raise ValueError(f"care group {g} has {len(items)} actions; at most {MAX_PER_GROUP}")
    return menu


def parse_value(text: str, prompt: ValuePrompt) -> tuple[float | None, str]:
    """A typed number for ``prompt``: (value, '') or (None, why not)."""
    try:
        v = float(text.strip().replace(",", "."))
    except ValueError:
        return None, _("Type {what} as a number, e.g. {example:.1f}").format(
            what=_(prompt.label), example=prompt.min_value + 3
        )
    if not prompt.min_value <= v <= prompt.max_value:
        return None, _("{what} must be {lo:g}-{hi:g} {unit}").format(
            what=_(prompt.label)[:1].upper() + _(prompt.label)[1:],
            lo=prompt.min_value,
            hi=prompt.max_value,
            unit=prompt.unit,
        )
    return v, ""


#: Letting time pass: W opens a field for the minutes (as the fever threshold's).
WAIT_PROMPT = ValuePrompt("s", N_("the minutes to let pass"), "min", 0.1, 120.0, 1)


def wait_command(minutes: float) -> dict[str, Any]:
    return {"do": "wait", "s": round(minutes * 60.0, 1)}
