"""4. Boards: the first page of the cards board and of the supermarket board,
read the way the web client opens them, as cards grow (1k -> 100k).

The web client's grouped kanban view asks ``read_group`` for the columns,
then for each open column with cards a ``search_read`` of its first 40
records, and a ``search_count`` when that page is full (Odoo 11's
``/web/dataset/search_read``).  That is what is timed here, from a cold ORM
cache.  The baseline of each row is the same read at the smallest size,
taken in turns with it (see bench_boards): flat means a ratio close to 1."""

import contextlib
import gc

from bench import measure
from bench.measure import log
from bench.session import DatabaseInUse

PAGE = 40  # Odoo 11 kanban columns load 40 records
# few: a column's first page then comes from as many loops at every size
SUPERMARKETS = 2
CARDS_PER_LOOP = 4
CARD_FIELDS = ['barcode', 'state', 'color', 'container_qty', 'order_ref', 'waiting_reason',
               'loop_name', 'product_id']
LOOP_FIELDS = ['name', 'urgency', 'full_count', 'empty_count', 'ordered_count', 'blocked_count',
               'card_count', 'state', 'product_id', 'location_id', 'color', 'is_late',
               'oldest_wait_label']
BOARD_LIMIT = 200  # the Supermarket Board action's page
LOOP_ORDER = 'urgency_rank, empty_count desc, name'


def open_grouped_kanban(model, domain, fields, groupby, order=None):
    """What the client does to show a grouped kanban view's first page."""
    # (the client sends the view's order to read_group too; Odoo ignores
    # the terms that are not grouped, with a warning: left out here)
    groups = model.read_group(domain, fields + [groupby], [groupby], lazy=True)
    shown = 0
    for group in groups:
        count = group.get('%s_count' % groupby) or group.get('__count') or 0
        if not count:
            continue
        records = model.search_read(group['__domain'], fields, limit=PAGE, order=order)
        if len(records) == PAGE:
            model.search_count(group['__domain'])
        shown += len(records)
    return [shown]


def open_kanban(model, domain, fields, order, limit):
    """What the client does to show an ungrouped kanban view's first page
    (the Supermarket Board: red loops first across all supermarkets)."""
    records = model.search_read(domain, fields, limit=limit, order=order)
    if len(records) == limit:
        model.search_count(domain)
    return [len(records)]


def models_magic():
    from odoo.models import MAGIC_COLUMNS
    return set(MAGIC_COLUMNS)


class BoardGrowth:
    """Cards, loops and products (variants of one template) by SQL in the
    SUPERMARKETS made by the ORM; each loop has 4 cards in mixed states."""

    def __init__(self, env, factory):
        self.env = env
        self.supermarkets = [factory.supermarket('Board %02d' % i) for i in range(SUPERMARKETS)]
        self.template = factory.product('Board item').product_tmpl_id
        self.company = factory.company
        self.loops = 0

    def grow(self, cards):
        target = max(cards // CARDS_PER_LOOP, 1)
        if target <= self.loops:
            return
        cr = self.env.cr
        first, last = self.loops + 1, target
        cr.execute("""
            INSERT INTO product_product (product_tmpl_id, active, default_code, create_uid,
                                         create_date, write_uid, write_date)
            SELECT %s, true, 'BOARD-' || g, 1, now() at time zone 'UTC', 1, now() at time zone 'UTC'
              FROM generate_series(%s, %s) g RETURNING id""", (self.template.id, first, last))
        products = [row[0] for row in cr.fetchall()]
        locations = [s.id for s in self.supermarkets]
        extra = self._other_required_loop_columns()
        cr.execute("""
            INSERT INTO jit_kanban_loop (name, active, company_id, product_id, location_id,
                                         replenish_method, container_qty, card_count,
                                         trigger_policy, batch_size, schedule_minutes, wip_cap,
                                         lead_time_days, state, color, urgency, urgency_rank,
                                         create_uid, create_date, write_uid, write_date%s)
            SELECT 'BOARD/' || lpad((p.n + %%s)::text, 6, '0'), true, %%s, p.id,
                   (%%s::int[])[1 + mod(p.n, %%s)], 'buy', 5, %%s, 'immediate', 2, 60, 0, 1,
                   'active', 0, 'green', 2, 1, now() at time zone 'UTC', 1,
                   now() at time zone 'UTC'%s
              FROM unnest(%%s::int[]) WITH ORDINALITY AS p(id, n)
            RETURNING id""" % (''.join(', %s' % name for name in extra),
                                ', %s' * len(extra)),
                   [self.loops, self.company.id, locations, len(locations), CARDS_PER_LOOP]
                   + list(extra.values()) + [products])
        loop_ids = tuple(row[0] for row in cr.fetchall())
        board_sort = "sl.complete_name || ' / ' || l.name || ' / ' || lpad(s::text, 6, '0')" \
            if 'board_sort' in self.env['jit.kanban.card']._fields else None
        cr.execute("""
            INSERT INTO jit_kanban_card (loop_id, sequence, barcode, active, state, product_id,
                                         location_id, company_id, print_count, signalled_at,
                                         create_uid, create_date, write_uid, write_date%s)
            SELECT l.id, s, 'BOARD-' || l.id || '-' || s, true,
                   (ARRAY['full', 'empty', 'ordered', 'full', 'blocked'])[1 + mod(l.id + s, 5)],
                   l.product_id, l.location_id, l.company_id, 0,
                   (now() at time zone 'UTC') - s * interval '1 hour',
                   1, now() at time zone 'UTC', 1, now() at time zone 'UTC'%s
              FROM jit_kanban_loop l JOIN stock_location sl ON sl.id = l.location_id,
                   generate_series(1, %s) s
             WHERE l.id IN %%s""" % (', board_sort' if board_sort else '',
                                    ', ' + board_sort if board_sort else '', CARDS_PER_LOOP),
                   (loop_ids,))
        # the loops' stored board figures, as the addon keeps them
        cr.execute("""
            UPDATE jit_kanban_loop l
               SET full_count = c.n_full, empty_count = c.n_empty, ordered_count = c.n_ordered,
                   blocked_count = c.n_blocked,
                   urgency = CASE WHEN c.n_full = 0 THEN 'red'
                                  WHEN c.n_full * 2 < %s THEN 'amber' ELSE 'green' END,
                   urgency_rank = CASE WHEN c.n_full = 0 THEN 0
                                       WHEN c.n_full * 2 < %s THEN 1 ELSE 2 END
              FROM (SELECT loop_id, COUNT(*) FILTER (WHERE state = 'full') AS n_full,
                           COUNT(*) FILTER (WHERE state = 'empty') AS n_empty,
                           COUNT(*) FILTER (WHERE state = 'ordered') AS n_ordered,
                           COUNT(*) FILTER (WHERE state = 'blocked') AS n_blocked
                      FROM jit_kanban_card WHERE loop_id IN %s GROUP BY loop_id) c
             WHERE l.id = c.loop_id""", (CARDS_PER_LOOP, CARDS_PER_LOOP, loop_ids))
        self.loops = target
        for table in ('product_product', 'jit_kanban_loop', 'jit_kanban_card'):
            cr.execute('ANALYZE %s' % table)
        self.env.clear()

    def _other_required_loop_columns(self):
        """{column: value} for the loop's other required stored fields, from
        their defaults (the addon grows: the INSERT must not fall behind)."""
        Loop = self.env['jit.kanban.loop']
        given = {'name', 'active', 'company_id', 'product_id', 'location_id', 'replenish_method',
                 'container_qty', 'card_count', 'trigger_policy', 'batch_size',
                 'schedule_minutes', 'wip_cap', 'lead_time_days', 'state', 'color', 'urgency',
                 'urgency_rank'}
        names = [name for name, field in Loop._fields.items()
                 if field.store and field.column_type and name not in given
                 and (field.required or name in ('demand_days', 'safety_factor'))
                 and name not in models_magic()]
        defaults = Loop.default_get(names)
        return {name: Loop._fields[name].convert_to_column(defaults[name], Loop)
                for name in names if defaults.get(name) is not None}

    def card_count(self):
        self.env.cr.execute('SELECT COUNT(*) FROM jit_kanban_card WHERE active')
        return self.env.cr.fetchone()[0]


READS = (
    ('cards board, first page', lambda env: open_grouped_kanban(
        env['jit.kanban.card'], [], CARD_FIELDS, 'state')),
    ('supermarket board, first page', lambda env: open_kanban(
        env['jit.kanban.loop'], [('state', '!=', 'draft')], LOOP_FIELDS, LOOP_ORDER,
        BOARD_LIMIT)),
)


def sample(env, read):
    """(ms, queries) of one read from a cold ORM cache, as a new request."""
    env.clear()
    gc.collect()
    ms, queries, _result = measure.timed(env, lambda: read(env))
    return ms, queries


def bench_boards(session, factory_class, args):
    """One row per read and size; the baseline is the read at the smallest
    size.  Each size has a database of its own (the bench database, and
    copies of it made and dropped here), grown in a rolled-back transaction,
    and the reads take turns across the sizes: a change in the machine's
    speed during the run (it is shared) slows every size alike instead of
    whichever was measured at that moment.  A database open elsewhere (the
    test suite's) cannot be copied: there the sizes are grown and measured
    one after the other."""
    sizes = sorted(args.board_sizes)
    try:
        with session.copies(len(sizes) - 1) as copies, contextlib.ExitStack() as stack:
            worlds = [grown_world(stack, world, factory_class, size)
                      for size, world in zip(sizes, [session] + copies)]
            samples = sample_boards(worlds, args.boards_rounds)
            return board_rows(samples, worlds, 'in turns')
    except DatabaseInUse as error:
        log('boards: %s; the sizes are measured one after the other' % error)
    samples, worlds = {}, []
    with contextlib.ExitStack() as stack:
        env = stack.enter_context(session.transaction())
        growth = BoardGrowth(env, factory_class(env, tag='BOARDS'))
        for size in sizes:
            growth.grow(size)
            worlds.append((size, env, growth.card_count()))
            samples.update(sample_boards(worlds[-1:], args.boards_rounds))
    return board_rows(samples, worlds, 'measured before')


def grown_world(stack, world, factory_class, size):
    """(size, env, cards): ``world``'s database grown to ``size`` cards in a
    transaction ``stack`` rolls back."""
    env = stack.enter_context(world.transaction())
    growth = BoardGrowth(env, factory_class(env, tag='BOARDS'))
    growth.grow(size)
    log('boards: %d cards in %s (%d grown) ...' % (growth.card_count(), world.dbname, size))
    return size, env, growth.card_count()


def sample_boards(worlds, rounds):
    """{(read, size): (times, queries)}: each read at each size in turns,
    ``rounds`` times after two warm-up rounds.  A read takes about 0.1 s,
    mostly the ORM's Python, whose speed follows the shared machine's
    load: the median of 15 moved by 0.15x between runs, that of 60 by less."""
    samples = {(name, size): ([], []) for name, _read in READS for size, _e, _c in worlds}
    with measure.frozen_heap():
        for round_ in range(2 + rounds):
            for name, read in READS:
                for size, env, _cards in worlds:
                    ms, queries = sample(env, read)
                    if round_ >= 2:
                        samples[name, size][0].append(ms)
                        samples[name, size][1].append(queries)
    return samples


def board_rows(samples, worlds, how):
    rows = []
    for name, _read in READS:
        first = None
        for size, _env, cards in worlds:
            times, queries = samples[name, size]
            median = measure.median(times)
            first = first or (size, median)
            rows.append({'name': name, 'size': size, 'n': len(times), 'median_ms': median,
                         'p95_ms': measure.percentile(times, 0.95),
                         'baseline': 'same read at %d cards, %s' % (first[0], how),
                         'baseline_median_ms': first[1], 'ratio': median / first[1],
                         'queries': measure.median(queries), 'cards_in_db': cards})
            log('  %-30s %7d cards %8.1f ms  p95 %8.1f  %3d queries  %.2fx' % (
                name, size, median, rows[-1]['p95_ms'], rows[-1]['queries'], rows[-1]['ratio']))
    return rows
