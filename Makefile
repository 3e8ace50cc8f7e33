# Marrowsim developer commands. Every target creates the virtual environment it needs.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint bench calibration dist app i18n clean

$(STAMP): pyproject.toml setup.py
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/python -m sim

test: $(STAMP)
	SDL_VIDEODRIVER=dummy SDL_AUDIODRIVER=dummy $(BIN)/python -m pytest -n 2
	$(BIN)/ruff check .

lint: $(STAMP)
	$(BIN)/ruff check .

bench: $(STAMP)
	$(BIN)/python -m bench.run --out bench/RESULTS.md

calibration: $(STAMP)
	$(BIN)/python -m tools.calibration --out docs/calibration.md --model-doc docs/model.md

dist: $(STAMP)
	$(BIN)/python -m pip install --quiet build
	$(BIN)/python -m build --outdir dist

# The standalone application, one folder: dist/marrowsim/marrowsim (packaging/marrowsim.spec)
app: $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[test,app]'
	$(BIN)/python -m PyInstaller --noconfirm --clean --distpath dist --workpath build/pyinstaller \
		packaging/marrowsim.spec

# Translations: extract the marked strings (babel.cfg: the Python sources and the report's
# Jinja2 templates) to sim/i18n/marrowsim.pot, update each language's .po from it (translate
# the new entries there), and compile them to check they build
i18n: $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[test,i18n]'
	$(BIN)/pybabel extract -F babel.cfg --no-location --sort-output -k N_ -k ngettext:1,2 -k NP_:1c,2 \
		--project Marrowsim -o sim/i18n/marrowsim.pot .
	$(BIN)/pybabel update -D marrowsim -i sim/i18n/marrowsim.pot -d sim/i18n/locale \
		--no-fuzzy-matching --ignore-obsolete
	$(BIN)/pybabel compile -D marrowsim -d sim/i18n/locale --statistics

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache dist build
	find sim/i18n/locale -name '*.mo' -delete
