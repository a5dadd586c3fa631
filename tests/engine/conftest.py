"""Load ``jit_kanban/engine`` as the stand-alone package ``jit_kanban_engine``.

``import jit_kanban.engine`` would run ``jit_kanban/__init__.py``, which imports
the Odoo models and so Odoo itself.  The engine is plain Python, so it is
loaded here straight from its directory; its relative imports resolve inside
``jit_kanban_engine``.  This conftest is imported before the test modules of
this directory, so they simply ``from jit_kanban_engine import ...``.

Runs both ways:
    .venv/bin/python -m pytest -p no:odoo -p no:cacheprovider -c /dev/null tests/engine -q
    jit-kanban test   (the full suite under pytest-odoo)
"""
import importlib.util
import os
import sys

import pytest

REPO_ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), os.pardir, os.pardir))
ENGINE_DIR = os.path.join(REPO_ROOT, 'jit_kanban', 'engine')
ENGINE_NAME = 'jit_kanban_engine'


def load_engine():
    """Import the engine package by path (once) and return it."""
    module = sys.modules.get(ENGINE_NAME)
    if module is not None:
        return module
    spec = importlib.util.spec_from_file_location(
        ENGINE_NAME, os.path.join(ENGINE_DIR, '__init__.py'),
        submodule_search_locations=[ENGINE_DIR])
    module = importlib.util.module_from_spec(spec)
    sys.modules[ENGINE_NAME] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        for name in [n for n in sys.modules if n == ENGINE_NAME or n.startswith(ENGINE_NAME + '.')]:
            del sys.modules[name]
        raise
    return module


load_engine()


@pytest.fixture
def engine():
    return load_engine()


# When pytest-odoo is active (full suite) its autouse fixtures would open the
# Odoo registry of the test database before the first test.  The engine tests
# need no database: these overrides, visible only to tests of this directory,
# keep them independent of it (the other tests still get the real fixtures).
@pytest.fixture(scope='session')
def load_registry():
    yield


@pytest.fixture(scope='module')
def enable_odoo_test_flag():
    yield
