"""Runtime for the jit_kanban Odoo addon: the Python 3.11 adapter for Odoo 11,
the embedded PostgreSQL launcher and the ``jit-kanban`` command."""
__version__ = '11.0.1.1.0'
