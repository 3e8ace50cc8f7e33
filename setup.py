"""Build hook: the shipped scenarios go into the package.  Everything else is in pyproject.toml.

Shipped scenarios are edited where they always were, in the repository's top-level
``scenarios/``.  Building a wheel (``python -m build``, ``pip install .``, ``pip wheel .``)
copies them into the package as ``sim/scenario/shipped/*.toml``, and ``sim.scenario.loader``
reads them from there through ``importlib.resources``.  A source checkout and an editable
install (``make test``) have no such folder, so the loader reads ``scenarios/`` itself; nothing
is ever copied into the source tree.  The sdist carries ``scenarios/`` (MANIFEST.in), so a
wheel built from the sdist gets them too.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py
from setuptools.errors import SetupError

HERE = Path(__file__).resolve().parent
SOURCE = HERE / "scenarios"
TARGET = ("sim", "scenario", "shipped")


class BuildPyWithScenarios(build_py):
    """``build_py``, then ``scenarios/*.toml`` into ``<build>/sim/scenario/shipped/``."""

    def _scenario_files(self) -> list[Path]:
        return sorted(SOURCE.glob("*.toml"))

    def run(self) -> None:
        super().run()
        if self.editable_mode:  # an editable install reads scenarios/ in place
            return
        files = self._scenario_files()
        if not files:
            raise SetupError(f"no scenario files in {SOURCE}: the package would ship none")
        dest = Path(self.build_lib, *TARGET)
        shutil.rmtree(dest, ignore_errors=True)  # no stale copy of a removed scenario
        self.mkpath(str(dest))
        for path in files:
            self.copy_file(str(path), str(dest / path.name), preserve_mode=False)

    def get_outputs(self, include_bytecode: bool = True) -> list[str]:
        outputs = super().get_outputs(include_bytecode)
        if self.editable_mode:
            return outputs
        dest = Path(self.build_lib, *TARGET)
        return outputs + [str(dest / path.name) for path in self._scenario_files()]


setup(cmdclass={"build_py": BuildPyWithScenarios})
