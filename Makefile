# Atbalsts: `make run` starts everything, `make test` passes the whole suite.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install run test lint format worker migrate seed clean screenshots

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

run: install
	$(BIN)/atbalsts run

test: install
	$(BIN)/pytest -q

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/djlint --lint app/web/templates

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

worker: install
	$(BIN)/atbalsts worker

migrate: install
	$(BIN)/atbalsts migrate

seed: install
	$(BIN)/atbalsts seed --demo

screenshots: install
	$(BIN)/python -m tests.e2e.screenshots screenshots

clean:
	rm -rf $(VENV) .data
