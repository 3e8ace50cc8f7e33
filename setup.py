"""Build hook: the shipped scenarios go into the package, and the translations are compiled.
Everything else is in pyproject.toml.

Shipped scenarios are edited where they always were, in the repository's top-level
``scenarios/``.  Building a wheel (``python -m build``, ``pip install .``, ``pip wheel .``)
copies them into the package as ``sim/scenario/shipped/*.toml``, and ``sim.scenario.loader``
reads them from there through ``importlib.resources``.  A source checkout and an editable
install (``make test``) have no such folder, so the loader reads ``scenarios/`` itself; nothing
is ever copied into the source tree.  The sdist carries ``scenarios/`` (MANIFEST.in), so a
wheel built from the sdist gets them too.

The translation catalogues, ``sim/i18n/locale/<lang>/LC_MESSAGES/marrowsim.po``, are compiled
to ``.mo`` beside them in the build (with ``sim/i18n/po.py``, pure Python, so the build needs
nothing more); only the ``.po`` files are committed.
"""

from __future__ import annotations

import importlib.util
import shutil
import sys
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py
from setuptools.errors import SetupError

HERE = Path(__file__).resolve().parent
SOURCE = HERE / "scenarios"
TARGET = ("sim", "scenario", "shipped")
LOCALE = ("sim", "i18n", "locale")


def _po_module():
    """sim/i18n/po.py, loaded by path (the package itself is not imported by the build)."""
    spec = importlib.util.spec_from_file_location("_marrowsim_po", HERE / "sim" / "i18n" / "po.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


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
        locale = Path(self.build_lib, *LOCALE)
        _po_module().compile_tree(locale, locale)  # the .po were copied as package data

    def get_outputs(self, include_bytecode: bool = True) -> list[str]:
        outputs = super().get_outputs(include_bytecode)
        if self.editable_mode:
            return outputs
        dest = Path(self.build_lib, *TARGET)
        locale = Path(self.build_lib, *LOCALE)
        mos = [str(locale / po.relative_to(HERE.joinpath(*LOCALE)).with_suffix(".mo"))
               for po in sorted(HERE.joinpath(*LOCALE).glob("*/LC_MESSAGES/*.po"))]
        return outputs + [str(dest / path.name) for path in self._scenario_files()] + mos


setup(cmdclass={"build_py": BuildPyWithScenarios})
