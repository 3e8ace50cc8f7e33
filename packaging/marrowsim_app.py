"""The standalone application's entry point (PyInstaller, ``packaging/marrowsim.spec``).

The same as the ``marrowsim`` command: no arguments open the trainer, a command runs it.
"""

import multiprocessing
import sys

from sim.cli.main import main

if __name__ == "__main__":
    multiprocessing.freeze_support()
    sys.exit(main())
