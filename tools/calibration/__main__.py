"""``python -m tools.calibration``: write or check docs/calibration.md and docs/model.md."""

import sys

from tools.calibration.cli import main

if __name__ == "__main__":
    sys.exit(main())
