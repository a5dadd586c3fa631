"""The benchmark runs at a tiny size and writes its rows (times are never
asserted: only that every row a reader needs is there and consistent).
Everything it does on the test database is rolled back."""
import json
import os
import subprocess
import sys

import odoo
import pytest

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
ROW_KEYS = {'name', 'size', 'n', 'median_ms', 'p95_ms', 'baseline', 'baseline_median_ms',
            'ratio', 'queries'}


def run_bench(request, tmp_path, *options):
    """bench.run on the test database with ``options``: (its output, its rows)."""
    config = os.environ.get('JIT_KANBAN_ODOO_CONFIG') or request.config.getoption('--odoo-config')
    database = request.config.getoption('--odoo-database')
    if not (config and database):
        pytest.fail('run through `jit-kanban test` (JIT_KANBAN_ODOO_CONFIG and --odoo-database)')
    out = str(tmp_path / 'latest.json')
    result = subprocess.run(
        [sys.executable, '-W', 'ignore::UserWarning', '-m', 'bench.run', '--config', config,
         '--db', database] + list(options) + ['--out', out], cwd=REPO_ROOT, timeout=120,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, universal_newlines=True)
    assert result.returncode == 0, result.stdout[-3000:]
    return result.stdout, json.load(open(out))


def test_bench_boards_write_the_summary_rows(request, tmp_path):
    output, rows = run_bench(request, tmp_path, '--parts', 'boards', '--board-sizes', '40,80',
                             '--boards-rounds', '1')
    assert {row['name'] for row in rows} == {'cards board, first page',
                                             'supermarket board, first page'}
    for row in rows:
        assert ROW_KEYS <= set(row), row
        assert row['queries'] > 0 and row['median_ms'] > 0
    first = [row for row in rows if row['size'] == 40]
    assert all(row['ratio'] == 1.0 for row in first)  # the smallest size is the baseline
    assert 'Summary' in output and 'cards board, first page' in output


def test_bench_flatness_writes_the_planning_rows(request, tmp_path):
    """The year-long sizing run and the shortage page are rows of the one
    table, at every size, with their targets printed."""
    output, rows = run_bench(request, tmp_path, '--parts', 'flat', '--sizes', '2,4',
                             '--moves-per-loop', '20', '--events-per-loop', '8',
                             '--board-reps', '1', '--run-reps', '1', '--shortage-reps', '1',
                             '--scale-reps', '0')
    rows = [row for row in rows if row['name'] in ('sizing run, 365 days', 'shortage, first page')]
    assert sorted((row['name'], row['size']) for row in rows) == [
        ('shortage, first page', 2), ('shortage, first page', 4),
        ('sizing run, 365 days', 2), ('sizing run, 365 days', 4)]
    for row in rows:
        assert ROW_KEYS <= set(row), row
        assert row['queries'] > 0 and row['median_ms'] > 0
    assert 'Planning at scale' in output
    assert 'ok (<= 10000 ms)' in output or 'OVER 10000 ms' in output
    # the test database is open here: it cannot be copied for the reads in
    # turns, and the run says so and compares the sizes one after the other
    assert 'the sizes are measured one after the other' in output
    shortage = {row['size']: row for row in rows if row['name'] == 'shortage, first page'}
    assert shortage[2]['ratio'] == 1.0 and 'same read at 2 loops' in shortage[2]['baseline']


def test_the_boards_part_never_touches_a_database_it_did_not_make(request, tmp_path):
    """A database already holding the name of a copy the boards part would
    make is left as it is, and the run stops saying so."""
    config = os.environ.get('JIT_KANBAN_ODOO_CONFIG') or request.config.getoption('--odoo-config')
    database = request.config.getoption('--odoo-database')
    server = odoo.sql_db.db_connect('postgres').cursor()
    server.autocommit(True)
    someone_elses = '%s_copy_1' % database
    server.execute('DROP DATABASE IF EXISTS "%s"' % someone_elses)
    server.execute('CREATE DATABASE "%s" TEMPLATE template0' % someone_elses)
    server.execute('COMMENT ON DATABASE "%s" IS %%s' % someone_elses, ("not the bench's",))
    try:
        out = str(tmp_path / 'latest.json')
        result = subprocess.run(
            [sys.executable, '-W', 'ignore::UserWarning', '-m', 'bench.run', '--config', config,
             '--db', database, '--parts', 'boards', '--board-sizes', '40,80', '--boards-rounds', '1',
             '--out', out], cwd=REPO_ROOT, timeout=120,
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, universal_newlines=True)
        assert result.returncode != 0
        assert 'exists and was not made by this run' in result.stdout
        server.execute("SELECT shobj_description(oid, 'pg_database') FROM pg_database "
                       "WHERE datname = %s", (someone_elses,))
        assert server.fetchall() == [("not the bench's",)]
    finally:
        server.execute('DROP DATABASE IF EXISTS "%s"' % someone_elses)
        server.close()
