# jit_kanban: the two commands of the Quick start.  Both set everything up.
.PHONY: demo test bootstrap bench clean-db

VENV_BIN := $(CURDIR)/.venv/bin
PORT ?= 8069

demo: bootstrap
	$(VENV_BIN)/jit-kanban demo --port $(PORT)

test: bootstrap
	$(VENV_BIN)/jit-kanban test

# sizes and parts by flags, e.g. make bench BENCH_ARGS="--parts batch,boards --batch-sizes 50"
BENCH_ARGS ?=
bench: bootstrap
	$(VENV_BIN)/jit-kanban bench -- $(BENCH_ARGS)

bootstrap:
	@bash scripts/bootstrap.sh

# drops only databases jit-kanban created (db drop refuses any other)
clean-db: bootstrap
	$(VENV_BIN)/jit-kanban db drop jit_kanban_demo
	$(VENV_BIN)/jit-kanban db drop jit_kanban_test
	$(VENV_BIN)/jit-kanban db drop jit_kanban_bench
