"""Command-line interface: ``python -m sim`` / ``marrowsim``.  One module per command group."""

from sim.i18n import N_

#: the help of every command's ``--json``
JSON_HELP = N_("print the output as JSON")


def columns(spec: str, heads: tuple[str, ...]) -> str:
    """A row format from ``spec`` (``"{:36}  {:>5} {}"``: each field's least width), each width
    widened to its (translated) header so the columns stay aligned in any language."""
    import re

    fields = iter(heads)

    def widen(m: re.Match) -> str:
        head = next(fields)
        align, width = m.group(1), int(m.group(2) or 0)
        return "{:" + align + str(max(width, len(head))) + "}" if m.group(2) else "{}"

    return re.sub(r"\{:?([<>]?)(\d*)\}", widen, spec)
