"""2b. Flatness of planning at factory scale, in the growing supermarket of
part 2: the sizing run that simulates every loop over a year, and the first
page of the Shortage Risk screen as the production manager opens it.

- ``sizing run, 365 days``: ``jit.kanban.sizing.proposal._propose(loops,
  days=365)`` for every loop of the growing supermarket, what *Size Loops*
  does with *History (days)* 365: one demand query for all loops, N-1 / N /
  N+1 cards (and the current count) replayed over the year per loop, the
  proposals and their lines inserted.  Each sample runs in a savepoint that
  is rolled back (outside the timing), from a cold ORM cache.
- ``shortage, first page``: what the web client sends to open *Shortage
  Risk*: ``search_read`` of the list view's fields with the action's default
  filter (*At Risk*), the model's order and the list's page of 80, then
  ``search_count`` when that page is full (Odoo 11's
  ``/web/dataset/search_read``), as a Kanban Manager so the view's company
  rule applies, from a cold ORM cache, in turns with the same page of a
  copy of the database held at 100 loops (bench/in_turns.py).
"""
import gc

from bench import measure
from bench.session import rolled_back

SIZING_RUN = 'sizing run, 365 days'
SIZING_RUN_DAYS = 365
# the target: every loop simulated over a year in at most 10 s, at
# 1,000 loops and 500,000 moves (printed, never asserted)
SIZING_RUN_TARGET_MS = 10000.0
SHORTAGE = 'shortage, first page'
SHORTAGE_FIELDS = ['risk_level', 'loop_id', 'location_id', 'replenish_method', 'on_hand_qty',
                   'claimed_qty', 'late_order_count', 'late_card_count', 'oldest_signal_at',
                   'short_component_count', 'action_text', 'risk_score', 'product_id']
SHORTAGE_DOMAIN = [('risk_score', '>', 0)]  # the action's search_default_at_risk
SHORTAGE_LIMIT = 80  # a list view's page in Odoo 11

# where a sizing run spends its time (one attributed run per size)
RUN_PROBES = [
    ('jit.kanban.loop', '_demand_history', 'demand query (SQL, all loops)'),
    ('jit.kanban.loop', '_sizing_figures', 'sizing figures (engine, per loop)'),
    ('py:odoo.addons.jit_kanban.engine', 'compare', 'replay N-1/N/N+1 (engine, per loop)'),
    ('jit.kanban.sizing.proposal', '_insert_rows', 'INSERT proposals and lines'),
]
# what each sizing run writes: analysed before every run, as autovacuum
# would have between two real runs (see analyze_run_tables)
RUN_TABLES = ('jit_kanban_sizing_proposal', 'jit_kanban_sizing_proposal_line')


def manager(env, company):
    """A Kanban Manager of the bench's company (rolled back with the rest)."""
    return env['res.users'].with_context(no_reset_password=True).create({
        'name': 'Bench production manager', 'login': 'jit-kanban-bench-manager',
        'company_id': company.id, 'company_ids': [(6, 0, [company.id])],
        'groups_id': [(6, 0, [env.ref('jit_kanban.group_jit_kanban_manager').id,
                              env.ref('stock.group_stock_user').id])]})


def open_shortage(env):
    """The Shortage Risk screen's first page, as the client asks for it."""
    model = env['jit.kanban.shortage']
    records = model.search_read(SHORTAGE_DOMAIN, SHORTAGE_FIELDS, limit=SHORTAGE_LIMIT)
    if len(records) == SHORTAGE_LIMIT:
        model.search_count(SHORTAGE_DOMAIN)
    return records


def sizing_run(env, loop_ids):
    return env['jit.kanban.sizing.proposal']._propose(env['jit.kanban.loop'].browse(loop_ids),
                                                       days=SIZING_RUN_DAYS)


def analyze_run_tables(env):
    """Statistics of the tables a sizing run writes, as autovacuum keeps
    them between real runs.  Without it, the rows of every rolled-back run
    pile up, dead, in the bench's one transaction, which autovacuum cannot
    clean, while PostgreSQL's cached plan of the proposal lines' foreign-key
    check, made when the table was a page long, stays a sequential scan:
    each run then read every dead proposal once per line, about 2 s more
    per run at 1,000 loops (7 -> 15 s over five runs).  ANALYZE refreshes the
    statistics and makes PostgreSQL plan the check again."""
    for table in RUN_TABLES:
        env.cr.execute('ANALYZE %s' % table)


def rolled_back_samples(env, func, reps, warmup=1, prepare=None):
    """(ms, queries, last result) of ``reps`` calls, each in its own
    savepoint rolled back after the timing, from a cold ORM cache;
    ``prepare(env)`` runs before each, outside the timing."""
    times, queries, result = [], [], None
    with measure.frozen_heap():
        for index in range(warmup + reps):
            if prepare:
                prepare(env)
            with rolled_back(env):
                env.clear()
                gc.collect()
                ms, count, result = measure.timed(env, func)
                result = len(result)
            if index >= warmup:
                times.append(ms)
                queries.append(count)
    return times, queries, result


def attribute_run(env, loop_ids):
    """Wall and CPU ms and queries of the sizing run's phases (one run)."""
    analyze_run_tables(env)
    with rolled_back(env):
        env.clear()
        gc.collect()
        with measure.Probe(env, RUN_PROBES) as probe:
            sizing_run(env, loop_ids)
    return {label.strip(): {'wall_ms': wall * 1000.0, 'cpu_ms': cpu * 1000.0, 'queries': q,
                            'calls': calls}
            for label, (wall, cpu, q, calls) in probe.stats.items()}


def bench_planning(env, growth, run_reps):
    """The sizing run of one size, as a dict for the flatness row (the
    Shortage Risk page is read with the steady reads: see in_turns)."""
    loop_ids = growth.loops.ids
    times, queries, made = rolled_back_samples(env, lambda: sizing_run(env, loop_ids), run_reps,
                                               prepare=analyze_run_tables)
    run = measure.summary(times, queries)
    run.update(rows=made, per_loop_ms=run['median_ms'] / len(loop_ids), days=SIZING_RUN_DAYS,
               phases=attribute_run(env, loop_ids))
    return {'sizing_run': run}


def print_planning(rows):
    """The planning lines under the flatness table."""
    if 'sizing_run' not in rows[0]:
        return
    measure.log('')
    measure.log('Planning at scale (median ms from a cold ORM cache; /loop = ms per loop; '
                'q = SQL queries)')
    measure.log('%6s %8s | %10s %7s %3s %6s | %8s %3s %5s' % (
        'loops', 'moves', 'run 365 d', '/loop', 'q', 'target', 'shortage', 'q', 'rows'))
    for row in rows:
        run, short = row['sizing_run'], row['shortage']
        measure.log('%6d %8d | %10.1f %7.3f %3d %6s | %8.2f %3d %5d' % (
            row['size'], row['rows']['stock_move'], run['median_ms'], run['per_loop_ms'],
            run['queries'], 'ok' if run['median_ms'] <= SIZING_RUN_TARGET_MS else 'OVER',
            short['median_ms'], short['queries'], short['rows']))
    for row in rows:
        measure.log('sizing run at %4d loops, one attributed run: %s' % (row['size'], ', '.join(
            '%s %.0f ms (cpu %.0f, %d q)' % (label, phase['wall_ms'], phase['cpu_ms'],
                                             phase['queries'])
            for label, phase in row['sizing_run']['phases'].items())))
