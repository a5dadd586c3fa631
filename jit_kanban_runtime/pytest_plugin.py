"""Early pytest plugin (``-p jit_kanban_runtime.pytest_plugin`` in pytest.ini):
adapts Python 3.11 before pytest-odoo imports Odoo."""
from jit_kanban_runtime import adapter

adapter.apply()
