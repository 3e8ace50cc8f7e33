"""Command-line interface: ``python -m sim`` / ``marrowsim``.  One module per command group."""
