# Two commands set up a fresh machine: `make run` and `make test`. Everything installs into .venv.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PORT ?= 8000
STAMP := $(VENV)/.installed

.PHONY: install run test lint format bench messages migrations-check clean serve-prod proofs load backup restore

$(STAMP): pyproject.toml requirements.lock
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $(STAMP)

install: $(STAMP)

# Beside the site: the registry simulator (registration/registries/simulator), the payment provider's
# simulator (registration/payments/simulator, signed webhooks back to the site) and the background worker
# (db_worker); all stop with the site.
REGISTRY_PORT ?= 8079
PAYMENT_PORT ?= 8078
run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo_data
	@echo "Serving on http://127.0.0.1:$(PORT)/ (Ctrl+C to stop)"
	export REGISTRY_URL=http://127.0.0.1:$(REGISTRY_PORT) PAYMENT_URL=http://127.0.0.1:$(PAYMENT_PORT) \
		PAYMENT_SHOP_ID=demo-shop PAYMENT_SECRET=development-only-payment-secret-0123456789 \
		PUBLIC_URL=http://127.0.0.1:$(PORT); \
	$(PY) -m registration.registries.simulator --port $(REGISTRY_PORT) & simulator=$$!; \
	$(PY) -m registration.payments.simulator --port $(PAYMENT_PORT) & payments=$$!; \
	$(PY) manage.py db_worker --no-startup-delay & worker=$$!; \
	$(PY) manage.py run_scheduler & scheduler=$$!; \
	trap 'kill $$simulator $$payments $$worker $$scheduler 2>/dev/null' EXIT INT TERM; \
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

# The validators library must stay at 100 % line and branch coverage (coverage measures only it).
test: install
	$(PY) -m pytest --cov --cov-report=term:skip-covered --cov-fail-under=100

# The production stack on loopback from Debian's postgresql and redis-server: PostgreSQL, Redis and two
# gunicorn app servers with production settings (scripts/stack.py); SMS and e-mail codes print here.
serve-prod: install
	$(PY) -m scripts.stack --port $(PORT)

# Multi-process proofs (tests/production): two servers without sticky sessions, races, faults.
proofs: install
	PRODUCTION_PROOFS=1 $(PY) -m pytest tests/production -s --durations=10

# 20 concurrent clients registering for LOAD_SECONDS against gunicorn + PostgreSQL + Redis (scripts/load.py);
# ends with a scrape of /metrics, saved in var/load/metrics.txt, its interesting lines printed.
LOAD_SECONDS ?= 60
LOAD_CLIENTS ?= 20
LOAD_THINK ?= 1
load: install
	$(PY) -m scripts.load --seconds $(LOAD_SECONDS) --clients $(LOAD_CLIENTS) --think $(LOAD_THINK)

# Backups (scripts/backup.py): the database (pg_dump) and the scans storages in one set, encrypted with age for
# BACKUP_AGE_RECIPIENTS (the public key; the private key stays offline), written to BACKUP_DIR.
backup: install
	$(PY) -m scripts.backup backup

# make restore BACKUP=var/backups/registration-….tar.age IDENTITY=/media/offline/backup-key.txt [FORCE=1]
restore: install
	$(PY) -m scripts.backup restore "$(BACKUP)" $(if $(IDENTITY),--identity "$(IDENTITY)") $(if $(FORCE),--force)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy validators registration config

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

bench: install
	$(PY) bench/run.py

# Catalogues: extract, drop guesses (fuzzy matches become untranslated, so a test flags them), give
# English its source text, compile. Russian entries are translated by hand in locale/ru.
messages: install
	$(PY) manage.py makemessages --all --no-location --no-obsolete --extension html,txt,py \
		--ignore '.venv/*' --ignore 'tests/*' --ignore 'bench/*' --ignore 'var/*' --ignore 'scripts/*' --ignore 'node_modules/*'
	for po in locale/*/LC_MESSAGES/django.po validators/locale/*/LC_MESSAGES/django.po; do \
		msgattrib --clear-fuzzy --empty -o $$po $$po; done
	msgen -o locale/en/LC_MESSAGES/django.po locale/en/LC_MESSAGES/django.po
	msgen -o validators/locale/en/LC_MESSAGES/django.po validators/locale/en/LC_MESSAGES/django.po
	$(PY) manage.py compilemessages --ignore '.venv/*' --ignore 'var/*' --ignore 'node_modules/*'

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache .coverage htmlcov
