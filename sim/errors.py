"""Errors that reach the user as one clear line (file, line, field), never a traceback."""

from __future__ import annotations


class InputError(Exception):
    """Bad input: a malformed file or a command that cannot be carried out.  Exit status 2."""

    def __init__(
        self,
        message: str,
        *,
        path: str | None = None,
        line: int | None = None,
        field: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.path = path
        self.line = line
        self.field = field

    def located(self, *, path: str | None = None, line: int | None = None) -> InputError:
        return InputError(
            self.message, path=self.path or path, line=self.line or line, field=self.field
        )

    def __str__(self) -> str:
        where = ""
        if self.path:
            where = self.path + (f":{self.line}" if self.line else "") + ": "
        field = ""
        if self.field:
            from sim.i18n import _  # the same layer; imported here, not at sim.errors' import

            field = _("field '{field}': ").format(field=self.field)
        return f"{where}{field}{self.message}"


class CommandRejected(InputError):
    """A valid command that is impossible in the current state (e.g. aspirating, stylet in)."""
