"""The command vocabulary: everything a trainee, a script or a replay can ask of the simulation.

Commands are data (JSON objects with a ``do`` field), validated into frozen pydantic models.  The
UI, the headless runner and replay all produce the same commands; docs/commands.md lists them.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter

Finite = Field(allow_inf_nan=False)


class _Command(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class MarkSite(_Command):
    """Choose a skin puncture site relative to a palpable landmark."""

    do: Literal["mark_site"] = "mark_site"
    landmark: Literal["left_psis", "right_psis"]
    lateral_mm: Annotated[float, Field(ge=-100, le=100, allow_inf_nan=False)] = 0.0
    cranial_mm: Annotated[float, Field(ge=-100, le=100, allow_inf_nan=False)] = 0.0


class Insert(_Command):
    """Pierce the skin at a marked site, stylet in, aimed off the perpendicular."""

    do: Literal["insert"] = "insert"
    site: Annotated[int, Field(ge=0, le=7)]
    lateral_deg: Annotated[float, Field(ge=-60, le=60, allow_inf_nan=False)] = 0.0
    cranial_deg: Annotated[float, Field(ge=-60, le=60, allow_inf_nan=False)] = 0.0


class Advance(_Command):
    """Push up to ``mm`` along the needle (scripted, controlled hand)."""

    do: Literal["advance"] = "advance"
    mm: Annotated[float, Field(gt=0, le=150, allow_inf_nan=False)]
    twist: bool = False
    stop_on: Literal["loss_of_resistance"] | None = None


class Push(_Command):
    """Hold a constant force on the needle for ``s`` seconds (the interactive control)."""

    do: Literal["push"] = "push"
    force_n: Annotated[float, Field(ge=0, le=1000, allow_inf_nan=False)]
    s: Annotated[float, Field(gt=0, le=60, allow_inf_nan=False)]
    twist: bool = False


class Withdraw(_Command):
    do: Literal["withdraw"] = "withdraw"
    mm: Annotated[float, Field(gt=0, le=150, allow_inf_nan=False)]


class Redirect(_Command):
    do: Literal["redirect"] = "redirect"
    lateral_deg: Annotated[float, Field(ge=-60, le=60, allow_inf_nan=False)]
    cranial_deg: Annotated[float, Field(ge=-60, le=60, allow_inf_nan=False)]


class Rotate(_Command):
    do: Literal["rotate"] = "rotate"
    deg: Annotated[float, Field(ge=-720, le=720, allow_inf_nan=False)]


class RemoveStylet(_Command):
    do: Literal["remove_stylet"] = "remove_stylet"


class ReplaceStylet(_Command):
    do: Literal["replace_stylet"] = "replace_stylet"


class Aspirate(_Command):
    """Pull the plunger by ``ml``; the syringe then empties into the collection bag."""

    do: Literal["aspirate"] = "aspirate"
    ml: Annotated[float, Field(gt=0, le=60, allow_inf_nan=False)]


class RemoveNeedle(_Command):
    do: Literal["remove_needle"] = "remove_needle"


class Wait(_Command):
    do: Literal["wait"] = "wait"
    s: Annotated[float, Field(ge=0, le=7200, allow_inf_nan=False)]


class End(_Command):
    do: Literal["end"] = "end"


NEEDLE_COMMANDS = (
    MarkSite,
    Insert,
    Advance,
    Push,
    Withdraw,
    Redirect,
    Rotate,
    RemoveStylet,
    ReplaceStylet,
    Aspirate,
    RemoveNeedle,
    Wait,
    End,
)


Command = Annotated[
    MarkSite
    | Insert
    | Advance
    | Push
    | Withdraw
    | Redirect
    | Rotate
    | RemoveStylet
    | ReplaceStylet
    | Aspirate
    | RemoveNeedle
    | Wait
    | End,
    Field(discriminator="do"),
]

COMMAND_ADAPTER: TypeAdapter[Command] = TypeAdapter(Command)
COMMAND_NAMES = tuple(c.model_fields["do"].default for c in NEEDLE_COMMANDS)


def parse_command(obj: object) -> Command:
    """Validate one command object (raises pydantic.ValidationError)."""
    return COMMAND_ADAPTER.validate_python(obj)


def command_to_dict(cmd: _Command) -> dict:
    """The JSON form of a command, without fields left at their defaults (for logs)."""
    data = cmd.model_dump(exclude_defaults=True)
    data["do"] = cmd.do
    return {"do": data.pop("do"), **data}
