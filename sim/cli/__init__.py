"""Command-line interface: ``python -m sim`` / ``marrowsim``.  One module per command group."""

from sim.i18n import N_

#: the help of every command's ``--json``
JSON_HELP = N_("print the output as JSON")
