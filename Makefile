# The README's commands. Each installs what it needs first.
.PHONY: setup run demo test lint bench

setup:
	bash scripts/setup.sh

run: setup
	.venv/bin/docgen migrate
	.venv/bin/docgen serve --demo

# the demo's own data folder: it never writes over what `make run` serves
demo: setup
	DOCGEN_DATA_DIR=$${DOCGEN_DATA_DIR:-var/demo} .venv/bin/docgen demo

test: setup
	bash scripts/test.sh

lint: setup
	.venv/bin/ruff check docgen api tests bench
	.venv/bin/ruff format --check docgen api tests bench
	.venv/bin/mypy
	.venv/bin/lint-imports --no-cache

bench: setup
	.venv/bin/python bench/render.py
	.venv/bin/python bench/official_forms.py
	.venv/bin/python bench/enforcement.py
	.venv/bin/python bench/storage.py
	.venv/bin/python bench/docx_reports.py
	.venv/bin/python bench/bundle.py
	.venv/bin/python bench/bulk.py
	.venv/bin/python bench/throughput.py
	.venv/bin/python bench/api_load.py
	.venv/bin/python bench/ui_pages.py
