"""3. Batch: the scheduled kanban cron making one MO per loop, against
Odoo's scheduler (``procurement.group.run_scheduler``) filling the same need
through one reordering rule per product.

Each side runs in its own transaction on a freshly built factory (then
rolled back, then VACUUM), so neither pays for the other's dead rows.  The
two sides must leave identical orders: same number of MOs, and per finished
product the same moves (product, quantity, source and destination)."""
import collections
import gc
import time

from bench import measure
from bench.factory import Factory
from bench.measure import log

COMPONENTS = 5
CARDS = 5
CONTAINER_QTY = 5.0


class BatchFactory:
    """``loops`` products with a 5-component BoM, each with a scheduled
    loop of 5 cards in one supermarket (components shared)."""

    def __init__(self, env, loops):
        self.env = env
        self.factory = Factory(env, tag='BATCH')
        self.supermarket = self.factory.supermarket('Batch supermarket')
        components = [self.factory.product('Batch component %d' % i) for i in range(COMPONENTS)]
        Loop = self.factory.env['jit.kanban.loop']
        self.loops = Loop
        for index in range(loops):
            product = self.factory.product('Batch assembly %04d' % index)
            bom = self.factory.bom(product, components)
            self.loops |= self.factory.loop(
                product, self.supermarket, 'manufacture', bom_id=bom.id, card_count=CARDS,
                trigger_policy='scheduled', schedule_minutes=60)
        self.products = self.loops.mapped('product_id')
        cr = env.cr
        # the rest of the database stays out of both runs: no other active
        # loop, no other reordering rule (their orders would not be compared)
        cr.execute("UPDATE jit_kanban_loop SET state = 'draft' WHERE state = 'active' AND id NOT IN %s",
                   (tuple(self.loops.ids),))
        cr.execute('UPDATE stock_warehouse_orderpoint SET active = false WHERE active')
        # nor other moves waiting for stock: the scheduler tries to reserve
        # every one of them, so its time would grow with whatever the
        # database holds (earlier runs' orders: 9,700 moves, 35 s a run)
        cr.execute("""UPDATE stock_move SET state = 'cancel'
                       WHERE state IN ('waiting', 'confirmed', 'partially_available')""")
        # what is left that the scheduler would reserve whatever the test:
        # reserved once now, so the baseline pays only for its own
        env['procurement.group'].run_scheduler()
        env.clear()

    def kanban_ready(self):
        """Every card of every loop empty, the window due."""
        cr = self.env.cr
        cr.execute("""UPDATE jit_kanban_card SET state = 'empty',
                             signalled_at = (now() at time zone 'UTC') - sequence * interval '1 minute'
                       WHERE loop_id IN %s""", (tuple(self.loops.ids),))
        cr.execute('UPDATE jit_kanban_loop SET next_window = NULL WHERE id IN %s',
                   (tuple(self.loops.ids),))
        for start in range(0, len(self.loops), 500):
            self.loops[start:start + 500]._refresh_board()
        self.env.clear()

    def baseline_ready(self):
        """One reordering rule per product asking for the same quantity
        (0 on hand, min 0, max = 5 cards x 5), found through the loop's own
        route on the product, so the same rule makes the same MO."""
        Orderpoint = self.factory.env['stock.warehouse.orderpoint']
        # a product's routes are read through the field's domain (selectable ones)
        self.env.cr.execute('UPDATE stock_location_route SET product_selectable = true WHERE id IN %s',
                            (tuple(self.loops.mapped('route_id').ids),))
        warehouse = self.factory.warehouse
        for loop in self.loops:
            loop.product_id.product_tmpl_id.route_ids = [(6, 0, loop.route_id.ids)]
            Orderpoint.create({'product_id': loop.product_id.id, 'warehouse_id': warehouse.id,
                               'location_id': self.supermarket.id, 'product_min_qty': 0.0,
                               'product_max_qty': CARDS * CONTAINER_QTY, 'qty_multiple': 1.0})
        self.env.clear()

    def footprint(self, since_id):
        """Per MO: its product, quantity, locations, state and availability,
        and its moves (product, quantities, locations, procure method, reference),
        as sorted tuples.  Not the moves' state: the scheduler also reserves
        what it can (the finished move is 'assigned' after it), the kanban
        cron orders only."""
        cr = self.env.cr
        cr.execute("""
            SELECT p.id, fp.default_code, p.product_qty, ps.complete_name, pd.complete_name,
                   p.state || '/' || p.availability,
                   mp.default_code, m.product_uom_qty, ms.complete_name, md.complete_name,
                   m.product_qty, m.procure_method, m.reference = p.name
              FROM mrp_production p
              JOIN product_product fp ON fp.id = p.product_id
              JOIN stock_location ps ON ps.id = p.location_src_id
              JOIN stock_location pd ON pd.id = p.location_dest_id
              JOIN stock_move m ON m.raw_material_production_id = p.id OR m.production_id = p.id
              JOIN product_product mp ON mp.id = m.product_id
              JOIN stock_location ms ON ms.id = m.location_id
              JOIN stock_location md ON md.id = m.location_dest_id
             WHERE p.id > %s AND p.product_id IN %s""", (since_id, tuple(self.products.ids)))
        # by product code and location name: each side builds its own records
        orders = collections.defaultdict(list)
        for row in cr.fetchall():
            orders[row[:6]].append(row[6:7] + (float(row[7]),) + row[8:10]
                                   + (float(row[10]),) + row[11:])
        cr.execute('SELECT COUNT(*) FROM mrp_production WHERE id > %s', (since_id,))
        return cr.fetchone()[0], {key[1:]: sorted(moves) for key, moves in orders.items()}


def run_side(session, loops, side):
    """(total ms, orders, queries, footprint) of one side, in its own transaction."""
    session.vacuum()
    with session.transaction() as env:
        started = time.time()
        data = BatchFactory(env, loops)
        getattr(data, '%s_ready' % side)()
        env.cr.execute('ANALYZE')
        env.cr.execute('SELECT COALESCE(MAX(id), 0) FROM mrp_production')
        since = env.cr.fetchone()[0]
        log('  %s: %d loops built in %.0fs, running ...' % (side, loops, time.time() - started))
        gc.collect()
        if side == 'kanban':
            run = lambda: env['jit.kanban.loop']._cron_replenish()  # noqa: E731
        else:
            run = lambda: env['procurement.group'].run_scheduler()  # noqa: E731
        ms, queries, _ = measure.timed(env, run)
        orders, footprint = data.footprint(since)
    return ms, orders, queries, footprint


def bench_batch(session, args):
    """Kanban cron vs Odoo's scheduler, ``args.batch_reps`` times each,
    alternating which side runs first."""
    rows = []
    # a few orders each way first: Python and PostgreSQL caches warm for both
    for side in ('baseline', 'kanban'):
        run_side(session, 3, side)
    for loops in args.batch_sizes:
        samples = {'kanban': [], 'baseline': []}
        queries = {'kanban': [], 'baseline': []}
        reference = None
        for rep in range(args.batch_reps):
            order = ('baseline', 'kanban') if rep % 2 == 0 else ('kanban', 'baseline')
            for side in order:
                ms, orders, count, footprint = run_side(session, loops, side)
                if orders != loops:
                    raise RuntimeError('batch %s: %d MOs for %d loops' % (side, orders, loops))
                comparable = sorted(footprint.values())
                if reference is None:
                    reference = comparable
                elif comparable != reference:
                    diff = [(a, b) for a, b in zip(reference, comparable) if a != b][:1]
                    raise RuntimeError('batch: the kanban cron and the scheduler do not make '
                                       'the same MOs (first difference: %s)' % (diff,))
                samples[side].append(ms / orders)
                queries[side].append(count / orders)
                log('  %s: %d MOs in %.1fs = %.0f ms and %.0f queries per MO' % (
                    side, orders, ms / 1000.0, ms / orders, count / orders))
        rows.append(result_row('batch MO', loops, samples, queries,
                               'procurement.group.run_scheduler'))
    return rows


def result_row(name, size, samples, queries, baseline_name):
    kanban, base = samples['kanban'], samples['baseline']
    median, base_median = measure.median(kanban), measure.median(base)
    return {'name': name, 'size': size, 'n': len(kanban), 'median_ms': median,
            'p95_ms': measure.percentile(kanban, 0.95), 'baseline': baseline_name,
            'baseline_median_ms': base_median, 'ratio': median / base_median,
            'queries': measure.median(queries['kanban']),
            'baseline_queries': measure.median(queries['baseline'])}
