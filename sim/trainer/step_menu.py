"""Procedure-step and response commands, discovered from the command vocabulary (no pygame).

The scenario engine adds commands such as a time-out, a cell count or a response to a scripted
event.  Rather than hard-coding their names, the trainer looks in
:mod:`sim.vocabulary.commands` for any
command model beyond the needle commands whose one required field is a choice of names, and
offers each choice as a button.  With no such commands the steps panel says so.
"""

from __future__ import annotations

import typing
from dataclasses import dataclass

from pydantic import BaseModel

from sim.vocabulary import commands as c

#: Placeholder for a count that is the number of skin sites (filled in by the steps overlay).
PER_SITE = {"count": "per_site"}


@dataclass(frozen=True)
class StepAction:
    label: str
    command: dict


def _literal_choices(annotation) -> tuple[str, ...]:
    if typing.get_origin(annotation) is typing.Literal:
        return tuple(a for a in typing.get_args(annotation) if isinstance(a, str))
    for arg in typing.get_args(annotation):
        found = _literal_choices(arg)
        if found:
            return found
    return ()


def discover_step_actions() -> list[StepAction]:
    """Every procedure-step / response command the core offers, as labelled command dicts."""
    needle = {m.model_fields["do"].default for m in c.NEEDLE_COMMANDS}
    actions: list[StepAction] = []
    # The procedure steps in their order, then the responses, then setting up (the donor's
    # position, the kit's needle); any other command model the vocabulary adds comes last.
    ordered = [*c.STEP_COMMANDS, *c.RESPONSE_COMMANDS, *c.SETUP_COMMANDS]
    ordered += [o for o in vars(c).values() if o not in ordered]
    for obj in ordered:
        if not (isinstance(obj, type) and issubclass(obj, BaseModel) and "do" in obj.model_fields):
            continue
        do = obj.model_fields["do"].default
        if not isinstance(do, str) or do in needle or do in c.NURSING_NAMES:
            continue  # the nursing commands have the nurse's station (docs/nursing.md)
        if do == "notify_anaesthetist":
            continue  # the harvest's panel offers it under its old name, notify_anesthesia
        required = [(k, f) for k, f in obj.model_fields.items() if k != "do" and f.is_required()]
        if not required:
            actions.append(StepAction(do.replace("_", " "), {"do": do}))
        elif required == [("count", obj.model_fields.get("count"))]:
            # e.g. Steri-Strips: one per skin site, filled in when the action is run
            actions.append(
                StepAction(f"{do.replace('_', ' ')} (one per site)", {"do": do, **PER_SITE})
            )
        elif len(required) == 1:
            key, fld = required[0]
            for choice in _literal_choices(fld.annotation):
                label = f"{do.replace('_', ' ')}: {choice.replace('_', ' ')}"
                actions.append(StepAction(label, {"do": do, key: choice}))
    return actions
