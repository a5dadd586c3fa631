"""Timing, query counting and attribution helpers."""
import collections
import contextlib
import gc
import os
import re
import statistics
import sys
import time

ADDON_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), 'jit_kanban')


def median(values):
    return statistics.median(values) if values else float('nan')


def percentile(values, fraction):
    """Nearest-rank percentile (p90 of 30 samples is the 27th smallest)."""
    if not values:
        return float('nan')
    ordered = sorted(values)
    rank = max(1, int(-(-fraction * len(ordered) // 1)))
    return ordered[min(rank, len(ordered)) - 1]


def summary(times_ms, queries):
    return {'median_ms': median(times_ms), 'p90_ms': percentile(times_ms, 0.9),
            'min_ms': min(times_ms) if times_ms else float('nan'),
            'samples': len(times_ms), 'queries': int(median(queries)) if queries else None,
            'queries_min': min(queries) if queries else None,
            'queries_max': max(queries) if queries else None,
            'times_ms': [round(t, 3) for t in times_ms]}


@contextlib.contextmanager
def frozen_heap():
    """Samples taken inside see a garbage collector that tracks only what
    they allocate.  The bench process holds Odoo's registry and caches
    (130,000 objects): a full collection walks all of them, 60-80 ms on
    this machine, once before every sample (the bench's own gc.collect) and
    whenever CPython's thresholds fire inside one, on either side at random.
    Frozen, those objects are skipped: the collections a sample pays are
    for its own garbage."""
    gc.collect()
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def timed(env, func, cpu=None):
    """(milliseconds, queries, result) of one call; ``cpu``, a list, gets
    the CPU milliseconds of this process (the Python side, without the
    database server's time and mostly unaffected by other load)."""
    cr = env.cr
    before = cr.sql_log_count
    cpu_start = time.process_time()
    start = time.perf_counter()
    result = func()
    elapsed = time.perf_counter() - start
    if cpu is not None:
        cpu.append((time.process_time() - cpu_start) * 1000.0)
    return elapsed * 1000.0, cr.sql_log_count - before, result


# ----------------------------------------------------------------------
# which code issues which query
# ----------------------------------------------------------------------
_WORDS = re.compile(r'\s+')
_LITERALS = re.compile(r"'(?:[^']|'')*'|\b\d+(?:\.\d+)?\b")
_TABLE = re.compile(r'\b(?:from|into|update|join)\s+"?([a-z_0-9]+)"?', re.I)


def query_shape(query):
    """A query without its literals, and (verb, first table) to group by."""
    text = query.decode() if isinstance(query, bytes) else str(query)
    text = _LITERALS.sub('?', _WORDS.sub(' ', text).strip())
    verb = text.split(' ', 1)[0].upper()
    table = _TABLE.search(text)
    return text, '%s %s' % (verb, table.group(1) if table else '')


class QueryCapture:
    """Records every query of the block with the kanban code that issued it:
    the innermost frame in ``jit_kanban/`` (``-`` when none), and whether
    it ran inside Odoo's ``procurement.group.run``."""

    def __init__(self):
        self.rows = []

    def __enter__(self):
        import odoo.sql_db
        self._cursor = odoo.sql_db.Cursor
        self._execute = self._cursor.execute
        capture = self

        def execute(cursor, query, params=None, log_exceptions=None):
            capture.rows.append(capture._describe(query))
            return capture._execute(cursor, query, params, log_exceptions)
        self._cursor.execute = execute
        return self

    def __exit__(self, *_):
        self._cursor.execute = self._execute

    @staticmethod
    def _describe(query):
        frame = sys._getframe(2)
        kanban = None
        in_run = False
        while frame is not None:
            code = frame.f_code
            filename = code.co_filename
            # kanban_sql._execute only passes the statement on: its caller issued it
            if kanban is None and filename.startswith(ADDON_DIR) and code.co_name != '_execute':
                kanban = '%s.%s' % (os.path.splitext(os.path.basename(filename))[0], code.co_name)
            if code.co_name == 'run' and filename.endswith(os.path.join('stock', 'models', 'procurement.py')):
                in_run = True
            frame = frame.f_back
        text, shape = query_shape(query)
        return {'query': text, 'shape': shape, 'kanban': kanban or '-', 'in_procurement': in_run}


class Probe:
    """Inclusive wall and CPU time and queries of chosen functions, by
    wrapping them for the duration of the block.  A target is (model,
    method, label) for a method of a model's registry class, or
    ('py:dotted.module', function, label) for a module-level function;
    targets that do not exist (the code moved on) are skipped, listed in
    ``missing``."""

    def __init__(self, env, targets):
        self.env = env
        self.targets = targets
        # label: [wall seconds, CPU seconds, queries, calls]
        self.stats = collections.OrderedDict()
        self.missing = []
        self._saved = []

    def _owner(self, where):
        if where.startswith('py:'):
            import importlib
            try:
                return importlib.import_module(where[3:])
            except ImportError:
                return None
        try:
            return type(self.env[where])
        except KeyError:
            return None

    def __enter__(self):
        for where, name, label in self.targets:
            owner = self._owner(where)
            original = getattr(owner, name, None) if owner is not None else None
            if original is None:
                self.missing.append(label.strip())
                continue
            self.stats[label] = [0.0, 0.0, 0, 0]
            self._saved.append((owner, name, owner.__dict__.get(name, _MISSING)))
            setattr(owner, name, self._wrap(original, label))
        return self

    def __exit__(self, *_):
        for owner, name, original in reversed(self._saved):
            if original is _MISSING:
                delattr(owner, name)
            else:
                setattr(owner, name, original)

    def _wrap(self, original, label):
        stats = self.stats
        cr = self.env.cr

        def wrapper(*args, **kwargs):
            before = cr.sql_log_count
            cpu = time.process_time()
            start = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                entry = stats[label]
                entry[0] += time.perf_counter() - start
                entry[1] += time.process_time() - cpu
                entry[2] += cr.sql_log_count - before
                entry[3] += 1
        for attr in ('_api', '_returns', '_constrains', '_depends', '_onchange'):
            if hasattr(original, attr):
                setattr(wrapper, attr, getattr(original, attr))
        return wrapper


_MISSING = object()


def log(message):
    print(message, flush=True)
