# The two commands a newcomer needs: `make run` and `make test`.
PY      ?= python3.11
VENV    := .venv
BIN     := $(VENV)/bin
PORT    ?= 8501
# Two pytest workers: the browser tests spend most of their time waiting on a server.
# worksteal: an idle worker takes tests from a busy one (the phone walks are long), which
# measured 338 s of pytest against 404 s with loadfile on this 2-core machine.
WORKERS ?= 2

.PHONY: run test test-fast shots demo migrate lint format bench chromium clean

$(BIN)/python:
	@command -v $(PY) >/dev/null 2>&1 || { echo "Python 3.11 is needed ($(PY) not found; set PY=...)"; exit 1; }
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.runtime: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt $(VENV)/.runtime
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

run: $(VENV)/.runtime
	$(BIN)/python -m companion migrate
	$(BIN)/streamlit run asgi.py --server.port $(PORT) --server.headless true --browser.gatherUsageStats false

demo: $(VENV)/.runtime
	$(BIN)/python -m companion demo

migrate: $(VENV)/.runtime
	$(BIN)/python -m companion migrate

# Debian's chromium-headless-shell for the browser tests (Playwright's own download does not
# work offline): chromium's engine without the desktop browser, a sixth less suite time.
chromium:
	@if [ -x /usr/bin/chromium-headless-shell ]; then :; \
	elif [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null && \
		{ DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium-headless-shell >/dev/null 2>&1 || \
		  { apt-get update -qq >/dev/null 2>&1 && \
		    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium-headless-shell >/dev/null 2>&1; }; }; then :; \
	elif [ -x /usr/bin/chromium ]; then echo "Using /usr/bin/chromium (chromium-headless-shell is faster)"; \
	else echo "Browser tests need Debian's chromium: sudo apt-get install chromium-headless-shell"; fi

test: $(VENV)/.dev chromium
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest -n $(WORKERS) --dist worksteal

# The unit and AppTest layers only (no browser, no multi-process durability runs): a minute or so.
test-fast: $(VENV)/.dev
	$(BIN)/python -m pytest -n $(WORKERS) --dist worksteal --ignore=tests/browser --ignore=tests/test_durability.py

# The browser tests again, writing a full-page screenshot at each step to
# tests/browser/screenshots/ (git-ignored) for a person to look at.
shots: $(VENV)/.dev chromium
	COMPANION_SHOTS=1 $(BIN)/python -m pytest -n $(WORKERS) --dist worksteal tests/browser

# Speed at programme scale (bench/README.md): 500 teens x 730 days, built once and cached.
bench: $(VENV)/.dev chromium
	$(BIN)/python -m bench.run $(BENCH_ARGS)

lint: $(VENV)/.dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis
