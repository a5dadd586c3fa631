"""Performance benchmarks of jit_kanban (``jit-kanban bench`` / ``make bench``).

Not part of the addon and never imported by the tests: everything runs in one
transaction that is rolled back, so the benchmark database is left unchanged.
"""
