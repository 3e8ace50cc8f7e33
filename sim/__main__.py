"""``python -m sim``: the same as the ``marrowsim`` command."""

import sys

from sim.cli.main import main

sys.exit(main())
