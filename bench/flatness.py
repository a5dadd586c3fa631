"""2. Flatness: the supermarket board, sizing, KPIs, the location counts and
a loop's history as loops, cards, events and stock moves grow."""
import gc
import time

from bench import measure
from bench.factory import CONTAINER_QTY, Factory
from bench.in_turns import steady_probes
from bench.measure import log
from bench.planning_reads import bench_planning, manager, open_shortage
from bench.signal_cost import SignalCase, collect_pairs, summarize

BOARD_FIELDS = ['name', 'full_count', 'empty_count', 'ordered_count', 'urgency']
LOCATION_FIELDS = ['kanban_loop_count', 'kanban_full_count', 'kanban_empty_count',
                   'kanban_ordered_count', 'kanban_blocked_count', 'kanban_health']
SIZING_FIELDS = ['daily_demand', 'suggested_card_count']
KPI_FIELDS = ['kpi_signals', 'kpi_rejections', 'kpi_lead_time_hours', 'kpi_stockouts']
HISTORY_FIELDS = ['date', 'event_type', 'origin', 'from_state', 'to_state', 'user_id',
                  'order_name', 'quantity', 'reason']


# ----------------------------------------------------------------------
# 2. flatness
# ----------------------------------------------------------------------
class Growth:
    """Grows loops (ORM create), their cards, their event history and the
    stock moves out of the supermarket that sizing reads (SQL INSERT) in one
    supermarket, with a fixed 10-loop supermarket beside it."""

    def __init__(self, env, factory, args):
        self.env = env
        self.factory = factory
        self.cards_per_loop = args.cards_per_loop
        self.events_per_loop = args.events_per_loop
        self.moves_per_loop = args.moves_per_loop
        self.board = factory.supermarket('Board')
        self.fixed = factory.supermarket('Fixed board')
        self.consumer = env.ref('stock.stock_location_customers')
        self.products = []
        self.loops = env['jit.kanban.loop']
        self.fixed_loops = env['jit.kanban.loop']

    def _products(self, count):
        while len(self.products) < count:
            self.products.append(self.factory.product('Board item %04d' % (len(self.products) + 1)))
        return self.products[:count]

    def _loops(self, products, supermarket):
        Loop = self.factory.env['jit.kanban.loop']
        loops = Loop
        for product in products:
            # active without a route: boards never read it, and a thousand
            # routes only slow the set-up down
            loops |= Loop.create({'product_id': product.id, 'location_id': supermarket.id,
                                  'replenish_method': 'buy', 'container_qty': CONTAINER_QTY,
                                  'card_count': self.cards_per_loop, 'state': 'active'})
        self._cards_and_history(loops)
        return loops

    def _cards_and_history(self, loops):
        cr = self.env.cr
        ids = tuple(loops.ids)
        cr.execute("""
            INSERT INTO jit_kanban_card (loop_id, sequence, barcode, active, state, product_id,
                                         location_id, company_id, print_count, signalled_at,
                                         create_uid, create_date, write_uid, write_date)
            SELECT l.id, s, 'BENCH-' || l.id || '-' || s, true,
                   (ARRAY['full', 'empty', 'ordered', 'full', 'blocked'])[1 + (l.id + s) %% 5],
                   l.product_id, l.location_id, l.company_id, 0,
                   (now() at time zone 'UTC') - s * interval '1 hour',
                   1, now() at time zone 'UTC', 1, now() at time zone 'UTC'
              FROM jit_kanban_loop l, generate_series(1, %s) s
             WHERE l.id IN %s""", (self.cards_per_loop, ids))
        per_card = max(1, self.events_per_loop // self.cards_per_loop)
        # a year of card history: signal, order, receive, signal, ...
        cr.execute("""
            INSERT INTO jit_kanban_event (date, card_id, barcode, loop_id, product_id, location_id,
                                          company_id, event_type, origin, from_state, to_state,
                                          user_id, quantity, order_model, order_name,
                                          lead_time_hours, create_uid, create_date, write_uid,
                                          write_date)
            SELECT (now() at time zone 'UTC') - (g * interval '1 day' * 365 / %s)
                       - c.sequence * interval '7 minutes',
                   c.id, c.barcode, c.loop_id, c.product_id, c.location_id, c.company_id,
                   (ARRAY['signal', 'order', 'receive'])[1 + g %% 3], 'station',
                   (ARRAY['full', 'empty', 'ordered'])[1 + g %% 3],
                   (ARRAY['empty', 'ordered', 'full'])[1 + g %% 3],
                   1, %s, 'purchase.order', 'PO-BENCH-' || c.loop_id,
                   CASE WHEN g %% 3 = 2 THEN 24.0 + g %% 17 END,
                   1, now() at time zone 'UTC', 1, now() at time zone 'UTC'
              FROM jit_kanban_card c, generate_series(1, %s) g
             WHERE c.loop_id IN %s""", (per_card, CONTAINER_QTY, per_card, ids))
        # a year of consumption: done moves out of the supermarket (sizing's input)
        cr.execute("""
            INSERT INTO stock_move (name, product_id, product_uom, product_uom_qty, product_qty,
                                    location_id, location_dest_id, company_id, date, date_expected,
                                    state, procure_method, create_uid, create_date, write_uid,
                                    write_date)
            SELECT 'BENCH consumption', l.product_id, t.uom_id, %s, %s, l.location_id, %s,
                   l.company_id, (now() at time zone 'UTC') - (g * interval '1 day' * 365 / %s),
                   (now() at time zone 'UTC') - (g * interval '1 day' * 365 / %s), 'done',
                   'make_to_stock', 1, now() at time zone 'UTC', 1, now() at time zone 'UTC'
              FROM jit_kanban_loop l
              JOIN product_product p ON p.id = l.product_id
              JOIN product_template t ON t.id = p.product_tmpl_id,
                   generate_series(1, %s) g
             WHERE l.id IN %s""", (CONTAINER_QTY, CONTAINER_QTY, self.consumer.id,
                                   self.moves_per_loop, self.moves_per_loop, self.moves_per_loop,
                                   ids))
        self.env['jit.kanban.card'].invalidate_cache()
        # cards went in by SQL: let the addon update whatever it keeps per
        # loop when cards change (stored board figures), as its own writes do
        refresh = getattr(loops, '_refresh_board', None)
        if refresh is not None:
            for start in range(0, len(loops), 500):
                loops[start:start + 500]._refresh_board()
        self.env['jit.kanban.loop'].invalidate_cache()

    def setup_fixed(self, count=10):
        self.fixed_loops = self._loops(self._products(count), self.fixed)

    def grow(self, size):
        missing = size - len(self.loops)
        if missing > 0:
            products = self._products(size)[len(self.loops):]
            self.loops |= self._loops(products, self.board)
        self.analyze()

    def analyze(self):
        # what autovacuum would have done by now (it cannot see this transaction)
        for table in ('jit_kanban_loop', 'jit_kanban_card', 'jit_kanban_event', 'stock_move'):
            self.env.cr.execute('ANALYZE %s' % table)

    def counts(self):
        cr = self.env.cr
        result = {}
        for table in ('jit_kanban_loop', 'jit_kanban_card', 'jit_kanban_event', 'stock_move'):
            cr.execute('SELECT COUNT(*) FROM %s' % table)
            result[table] = cr.fetchone()[0]
        return result


def read_samples(env, func, reps, warmup=2):
    """(ms, queries, last result) of ``reps`` reads, each from a cold ORM
    cache (as a new request would), after ``warmup`` untimed ones."""
    for _ in range(warmup):
        env.clear()
        func()
    times, queries = [], []
    result = None
    with measure.frozen_heap():
        for _ in range(reps):
            env.clear()
            gc.collect()
            ms, count, result = measure.timed(env, func)
            times.append(ms)
            queries.append(count)
    return times, queries, result


def read_probe(env, func, reps, warmup=2):
    """Median ms and queries of a read, each from a cold ORM cache (a new request)."""
    times, queries, result = read_samples(env, func, reps, warmup)
    summary = measure.summary(times, queries)
    summary['rows'] = len(result) if isinstance(result, (list, tuple)) else None
    return summary


def present(model, names):
    if names is None:
        return later_fields(model)
    return [name for name in names if name in model._fields]


def later_fields(model):
    """Simulation and shortage figures of a loop, once the addon has them
    (computed fields named ``simulat*`` or ``shortage*``): measured like sizing."""
    return sorted(name for name, field in model._fields.items()
                  if not field.store and name.startswith(('simulat', 'shortage')))


# what each read of the flatness table asks, when the addon has those fields
READS = [
    # key, title, fields, per loop
    ('board', 'board', BOARD_FIELDS, True),
    ('sizing', 'sizing', SIZING_FIELDS, True),
    ('kpis', 'KPIs', KPI_FIELDS, True),
    ('later', 'sim/short', None, True),
]


class World:
    """One database of the flat part: its growth, and a Kanban Manager of
    its company (the Shortage Risk page is read as one, its rules apply)."""

    def __init__(self, env, args):
        self.env = env
        self.factory = Factory(env)
        self.growth = Growth(env, self.factory, args)
        self.growth.setup_fixed(10)
        self.user = manager(env, self.factory.company)
        self.size = 0

    def grow(self, size):
        started = time.time()
        self.growth.grow(size)
        self.size = size
        return time.time() - started

    def steady_reads(self, fields, shortage):
        """{key: (env, func, rollback)}: the reads that should not grow with
        the supermarket beside them (see in_turns)."""
        env, growth = self.env, self.growth
        Loop, Event = env['jit.kanban.loop'], env['jit.kanban.event']
        fixed_id, fixed_loop_id = growth.fixed.id, growth.fixed_loops[0].id
        reads = {
            'fixed_board': (env, lambda: Loop.search_read(
                [('location_id', '=', fixed_id)], fields), False),
            'loop_history': (env, lambda: Event.search_read(
                [('loop_id', '=', fixed_loop_id)], HISTORY_FIELDS, limit=80), False),
        }
        if shortage:
            as_manager = env(user=self.user.id)
            reads['shortage'] = (as_manager, lambda: open_shortage(as_manager), True)
        return reads


def scale_signals(world, signal_loops, args):
    """{method: raw pairs} of ``--scale-reps`` signals of each committed
    signal loop, in ``world``'s transaction (rolled back, each)."""
    env = world.env
    return {method: collect_pairs(env, SignalCase(env, world.factory, env['jit.kanban.loop'].browse(
        signal_loops[method])), args.scale_reps, 1) for method in args.methods}


def reference_builder(args):
    """What in_turns.reference_world builds: a World grown to ``size``."""
    def build(env, size):
        world = World(env, args)
        log('flatness: reference world of %d loops in a copy (built in %.1fs) ...'
            % (size, world.grow(size)))
        return world
    return build


def bench_flat(env, signal_loops, args, reference=None):
    """The growing supermarket's reads at each size; ``signal_loops``
    ({method: committed loop id}, see signal_cost.commit_signal_loops) are
    signalled at each size too (``--scale-reps``); ``reference``: a World
    whose steady reads are taken in turns with this one's (in_turns)."""
    t0 = time.time()
    world = World(env, args)
    growth = world.growth
    Loop, Location = env['jit.kanban.loop'], env['stock.location']
    reads = [(key, title, present(Loop, names), per_loop) for key, title, names, per_loop in READS]
    reads = [read for read in reads if read[2]]
    all_fields = [name for _k, _t, names, _p in reads for name in names]
    shortage = bool(args.run_reps)
    reference_reads = reference and reference.steady_reads(all_fields, shortage)
    reps = {'fixed_board': args.board_reps, 'loop_history': args.board_reps,
            'shortage': args.shortage_reps}
    rows = []
    for size in args.sizes:
        built = world.grow(size)
        log('flatness: %d loops x %d cards, %d events and %d stock moves per loop (built in %.1fs) ...'
            % (size, args.cards_per_loop, args.events_per_loop, args.moves_per_loop, built))
        board_id, fixed_id = growth.board.id, growth.fixed.id
        row = {'size': size, 'cards_per_loop': args.cards_per_loop,
               'events_per_loop': args.events_per_loop, 'moves_per_loop': args.moves_per_loop,
               'rows': growth.counts()}
        for key, _title, names, _per_loop in reads:
            row[key] = read_probe(env, lambda: Loop.search_read(
                [('location_id', '=', board_id)], names), args.board_reps)
            row[key]['per_loop_ms'] = row[key]['median_ms'] / size
            row[key]['fields'] = names
        row['location_counts'] = read_probe(env, lambda: Location.search_read(
            [('id', 'in', [board_id, fixed_id])], present(Location, LOCATION_FIELDS)),
            args.board_reps)
        row['location_counts']['per_loop_ms'] = row['location_counts']['median_ms'] / (size + 10)
        row.update(steady_probes(world.steady_reads(all_fields, shortage), reference_reads, reps,
                                 reference and reference.size))
        if shortage:
            row.update(bench_planning(env, growth, args.run_reps))
            row['shortage']['per_loop_ms'] = row['shortage']['median_ms'] / size
        if args.scale_reps:
            row['signal'] = [summarize(m, raw) for m, raw in
                             scale_signals(world, signal_loops, args).items()]
        if reference:
            # the same rolled-back work in the reference's transaction: the
            # dead rows it leaves (orders, moves, proposals) are read by the
            # next size's steady reads on both sides, not on one
            if shortage:
                bench_planning(reference.env, reference.growth, args.run_reps)
            if args.scale_reps:
                scale_signals(reference, signal_loops, args)
        rows.append(row)
    log('flatness set-up and measures: %.1fs' % (time.time() - t0))
    return rows, [key for key, _t, _n, _p in reads]


def flat_verdicts(rows, grown):
    """Ratios between the largest and the smallest size."""
    first, last = rows[0], rows[-1]
    verdict = {'sizes': [first['size'], last['size']], 'per_loop_ratio': {},
               'marginal_ratio': {}, 'fixed_ratio': {}, 'queries': {}}
    for key in grown + ['location_counts']:
        verdict['per_loop_ratio'][key] = last[key]['per_loop_ms'] / first[key]['per_loop_ms']
        if len(rows) >= 3:
            # cost of one more loop on the upper step against the lower step
            a, b, c = rows[0], rows[-2], rows[-1]
            low = (b[key]['median_ms'] - a[key]['median_ms']) / (b['size'] - a['size'])
            high = (c[key]['median_ms'] - b[key]['median_ms']) / (c['size'] - b['size'])
            verdict['marginal_ratio'][key] = high / low if low > 0 else None
    for key in ('fixed_board', 'loop_history'):
        reference = last[key].get('reference')  # in turns, when there was one
        verdict['fixed_ratio'][key] = reference['paired_ratio'] if reference else \
            last[key]['median_ms'] / first[key]['median_ms']
    for key in grown + ['location_counts', 'fixed_board', 'loop_history']:
        verdict['queries'][key] = sorted({row[key]['queries'] for row in rows})
    if 'signal' in first:
        verdict['signal_ratio_by_size'] = {
            row['size']: {s['method']: round(s['ratio'], 3) for s in row['signal']} for row in rows}
        verdict['signal_kanban_ms_ratio'] = {
            s_last['method']: s_last['kanban']['median_ms'] / s_first['kanban']['median_ms']
            for s_first, s_last in zip(first['signal'], last['signal'])}
        verdict['signal_queries'] = {
            s['method']: sorted({r['signal'][i]['kanban']['queries'] for r in rows})
            for i, s in enumerate(first['signal'])}
    return verdict


def print_flat_table(rows, grown, verdict):
    log('')
    log('Flatness (median ms of a read from a cold ORM cache; /loop = ms per loop read; '
        'q = SQL queries)')
    titles = dict((key, title) for key, title, _n, _p in READS)
    head = '%6s %6s %7s %7s' % ('loops', 'cards', 'events', 'moves')
    for key in grown:
        head += ' | %8s %6s %3s' % (titles[key], '/loop', 'q')
    head += ' | %8s %6s %3s | %8s %3s | %8s %3s' % ('locs', '/loop', 'q', 'fixed10', 'q',
                                                    'history', 'q')
    log(head)
    log('-' * len(head))
    for row in rows:
        line = '%6d %6d %7d %7d' % (row['size'], row['rows']['jit_kanban_card'],
                                    row['rows']['jit_kanban_event'], row['rows']['stock_move'])
        for key in grown + ['location_counts']:
            line += ' | %8.2f %6.3f %3d' % (row[key]['median_ms'], row[key]['per_loop_ms'],
                                            row[key]['queries'])
        for key in ('fixed_board', 'loop_history'):
            line += ' | %8.2f %3d' % (row[key]['median_ms'], row[key]['queries'])
        log(line)
    log('(rows count the whole database: demo data and the fixed 10-loop board included; '
        'board/sizing/KPIs read all loops of the growing supermarket, locs the counts of both '
        'supermarkets, fixed10 every field above for the 10 loops of the fixed one, history the '
        'last 80 events of one loop)')
    sizes = verdict['sizes']
    log('per-loop time at %d vs %d loops: %s' % (sizes[1], sizes[0], ', '.join(
        '%s %.2fx' % (key, ratio) for key, ratio in verdict['per_loop_ratio'].items())))
    if verdict['marginal_ratio']:
        log('cost of one more loop, upper vs lower step: %s' % ', '.join(
            '%s %s' % (key, '%.2fx' % ratio if ratio else 'n/a')
            for key, ratio in verdict['marginal_ratio'].items()))
    reference = rows[-1]['fixed_board'].get('reference')
    log('fixed-size reads at %d vs %s: %s' % (
        sizes[1], 'a copy at %d loops, in turns' % reference['size'] if reference else
        '%d loops, before' % sizes[0], ', '.join(
            '%s %.2fx' % (key, ratio) for key, ratio in verdict['fixed_ratio'].items())))
    log('query counts over all sizes: %s' % ', '.join(
        '%s %s' % (key, counts) for key, counts in verdict['queries'].items()))
    if 'signal_ratio_by_size' in verdict:
        for row in rows:
            log('signal at %4d loops: %s' % (row['size'], ', '.join(
                '%s %.1f ms (%.3fx, %+d q)' % (s['method'], s['kanban']['median_ms'], s['ratio'],
                                              s['extra_queries']) for s in row['signal'])))
