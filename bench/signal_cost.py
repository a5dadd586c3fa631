"""1. Signal cost: a card signal that makes one order, against Odoo's bare
procurement of the same order (same route, company, warehouse, BoM,
planned date)."""
import collections
import datetime
import gc

from bench import measure
from bench.factory import Factory
from bench.measure import log
from bench.session import rolled_back

METHODS = ('manufacture', 'buy', 'transfer')
SIGNAL_TARGET = 1.05
# what the attribution times, inclusive, when it exists in the addon (the
# code moves: absent ones are skipped); indentation = usual nesting
SQL = 'py:odoo.addons.jit_kanban.models.kanban_sql'
PROBES = [
    ('jit.kanban.card', 'signal_barcode', 'signal_barcode (whole signal)'),
    ('jit.kanban.card', '_signal', '  card._signal'),
    (SQL, 'lock_card_and_loop', '    kanban_sql.lock_card_and_loop'),
    ('jit.kanban.loop', '_lock_rows', '    loop._lock_rows'),
    ('jit.kanban.card', '_lock_rows', '    card._lock_rows'),
    (SQL, 'set_state', '    kanban_sql.set_state (all calls)'),
    (SQL, 'signal_card', '    kanban_sql.signal_card'),
    ('jit.kanban.event', '_record', '    event._record (all calls)'),
    ('jit.kanban.loop', '_replenish', '    loop._replenish'),
    (SQL, 'waiting_cards', '      kanban_sql.waiting_cards'),
    (SQL, 'set_state_named', '          kanban_sql.set_state_named'),
    ('jit.kanban.loop', '_order_cards', '      loop._order_cards'),
    ('jit.kanban.loop', '_procurement_values', '        loop._procurement_values'),
    ('stock.location', '_kanban_warehouse', '          location._kanban_warehouse'),
    ('procurement.group', 'run', '        procurement.group.run (Odoo)'),
    ('jit.kanban.card', '_mark_ordered', '        card._mark_ordered'),
    ('jit.kanban.event', '_insert_rows', '    event._insert_rows (all calls)'),
    ('jit.kanban.loop', '_shift_board', '    loop._shift_board'),
    ('jit.kanban.loop', '_refresh_board', '    loop._refresh_board (all calls)'),
    ('jit.kanban.card', '_answer', '    card._answer'),
    (SQL, 'card_facts', '      kanban_sql.card_facts'),
    (SQL, 'order_refs', '  kanban_sql.order_refs (all calls)'),
    ('jit.kanban.card', '_order_document', '  card._order_document (all calls)'),
]


# ----------------------------------------------------------------------
# 1. signal cost
# ----------------------------------------------------------------------
class SignalCase:
    """The two ways of making one order for one loop."""

    def __init__(self, env, factory, loop):
        self.env = env
        self.method = loop.replenish_method
        self.product = loop.product_id
        self.uom = loop.product_id.uom_id
        self.location = loop.location_id
        self.name = loop.name
        self.quantity = loop.container_qty
        self.values = factory.baseline_values(loop)
        card = loop.card_ids.filtered(lambda c: c.state == 'full').sorted('sequence')[:1]
        if not card:
            raise RuntimeError('loop %s has no full card' % loop.name)
        self.barcode = card.barcode

    def baseline(self):
        values = dict(self.values)
        if self.method == 'transfer':
            # the same order: a transfer of its own (one group, one picking),
            # not a move added to whatever internal picking is open
            values['group_id'] = self.env['procurement.group'].create(
                {'name': self.name, 'move_type': 'direct'})
        self.env['procurement.group'].run(self.product, self.quantity, self.uom, self.location,
                                          self.name, self.name, values)

    def kanban(self):
        answer = self.env['jit.kanban.card'].signal_barcode(self.barcode)
        if answer.get('result') != 'accepted' or not answer.get('order_id'):
            raise RuntimeError('the %s signal made no order: %s' % (self.method, answer))
        return answer

    def order_footprint(self, func):
        """What one call leaves behind (run in a rolled-back savepoint)."""
        models = {'manufacture': ('mrp.production', 'product_qty', 'date_planned_start'),
                  'buy': ('purchase.order.line', 'product_qty', 'date_planned'),
                  'transfer': ('stock.move', 'product_uom_qty', 'date_expected')}
        model, qty_field, date_field = models[self.method]
        domain = [('product_id', '=', self.product.id)]
        with rolled_back(self.env):
            before = set(self.env[model].search(domain).ids)
            pickings = self.env['stock.picking'].search_count([])
            func()
            new = self.env[model].search(domain).filtered(lambda r: r.id not in before)
            return {'model': model, 'records': len(new),
                    'quantity': sum(new.mapped(qty_field)),
                    'planned': sorted(new.mapped(date_field)),
                    'new_pickings': self.env['stock.picking'].search_count([]) - pickings}


def same_order(footprints):
    """Do the two footprints describe the same order?  Planned dates are
    "now" plus the lead time on each side: equal within a minute."""
    first, second = (dict(footprint) for footprint in footprints)
    dates = [[datetime.datetime.strptime(date, '%Y-%m-%d %H:%M:%S')
              for date in footprint.pop('planned')] for footprint in (first, second)]
    return (first == second and first['records'] == 1 and len(dates[0]) == len(dates[1])
            and all(abs((a - b).total_seconds()) <= 60 for a, b in zip(*dates)))


def sample(env, func, cpu=None):
    gc.collect()
    with rolled_back(env):
        ms, queries, _ = measure.timed(env, func, cpu)
    return ms, queries


SIDES = ('baseline', 'kanban')


def collect_pairs(env, case, reps, warmup, raw=None):
    """``reps`` back-to-back pairs (baseline, kanban), after ``warmup`` pairs."""
    raw = raw or {side: {'ms': [], 'queries': [], 'cpu': []} for side in SIDES}
    for _ in range(warmup):
        sample(env, case.baseline)
        sample(env, case.kanban)
    with measure.frozen_heap():
        for index in range(reps):
            # alternate the order within the pair (ABBA) so a drift hits both alike
            order = SIDES if index % 2 == 0 else SIDES[::-1]
            for side in order:
                ms, count = sample(env, getattr(case, side), raw[side]['cpu'])
                raw[side]['ms'].append(ms)
                raw[side]['queries'].append(count)
    return raw


def paired_ratio(kanban_ms, baseline_ms):
    """The signal's ratio: the median of the ratios of its back-to-back
    pairs.  This machine's speed drifts by 15-20 % over seconds (a fixed
    loop of pure Python shows the same spread as a sample), and the two
    samples of a pair, 0.2 s apart, see nearly the same speed: their times
    correlate at about 0.7.  A pair's ratio cancels that drift, a ratio of
    medians of all samples does not: resampling the 300 pairs of one run,
    the first's standard error was 0.005-0.011, the second's 0.009-0.015
    (lower in 12 of 14 runs).  Both are in the table and the JSON."""
    return measure.median([k / b for k, b in zip(kanban_ms, baseline_ms)])


def summarize(method, raw):
    base = measure.summary(raw['baseline']['ms'], raw['baseline']['queries'])
    kanban = measure.summary(raw['kanban']['ms'], raw['kanban']['queries'])
    base['cpu_median_ms'] = measure.median(raw['baseline']['cpu'])
    kanban['cpu_median_ms'] = measure.median(raw['kanban']['cpu'])
    return {
        'method': method,
        'baseline': base,
        'kanban': kanban,
        'ratio': paired_ratio(raw['kanban']['ms'], raw['baseline']['ms']),
        'ratio_of_medians': kanban['median_ms'] / base['median_ms'],
        'ratio_p90': kanban['p90_ms'] / base['p90_ms'],
        'ratio_min': kanban['min_ms'] / base['min_ms'],
        'ratio_cpu': kanban['cpu_median_ms'] / base['cpu_median_ms'],
        'extra_ms': kanban['median_ms'] - base['median_ms'],
        'extra_queries': kanban['queries'] - base['queries'],
    }


def blocks(total, size):
    size = max(1, size)
    return [size] * (total // size) + ([total % size] if total % size else [])


def measure_signal(session, args, method, loop_id, reps, attribute=False):
    """Signal cost of one method, on the committed loop ``loop_id``.  The
    pairs run in blocks, each in a fresh transaction (rolled back, then
    VACUUM): a long transaction would pile up the dead rows of every
    rolled-back sample, and Odoo's own sequential scans (stock moves by
    production, pickings by group) would slow down sample after sample."""
    raw, extra = None, {}
    sizes = blocks(reps, args.block)
    for index, count in enumerate(sizes):
        session.vacuum()
        with session.transaction() as env:
            factory = Factory(env)
            case = SignalCase(env, factory, env['jit.kanban.loop'].browse(loop_id))
            if index == 0:
                footprints = (case.order_footprint(case.baseline),
                              case.order_footprint(case.kanban))
                if not same_order(footprints):
                    raise RuntimeError('%s: baseline and kanban do not make the same order: %s'
                                       % (method, footprints))
                extra['order'] = footprints[0]
            raw = collect_pairs(env, case, count, args.warmup, raw)
            if attribute and index == len(sizes) - 1:
                extra['attribution'] = attribute_queries(env, case)
                extra['attribution'].update(attribute_time(env, case, args.attribute_reps))
    row = summarize(method, raw)
    row['order'] = extra.get('order')
    row['blocks'] = sizes
    return row, extra.get('attribution')


def attribute_queries(env, case):
    """One baseline and one kanban call with every query recorded."""
    with rolled_back(env), measure.QueryCapture() as base:
        case.baseline()
    with rolled_back(env), measure.QueryCapture() as kanban:
        case.kanban()
    outside = [row for row in kanban.rows if not row['in_procurement']]
    inside = [row for row in kanban.rows if row['in_procurement']]
    by_function = collections.Counter(row['kanban'] for row in outside)
    base_shapes = collections.Counter(row['shape'] for row in base.rows)
    inside_shapes = collections.Counter(row['shape'] for row in inside)
    inside_diff = {shape: inside_shapes[shape] - base_shapes[shape]
                   for shape in sorted(set(base_shapes) | set(inside_shapes))
                   if inside_shapes[shape] != base_shapes[shape]}
    return {
        'baseline_queries': len(base.rows),
        'kanban_queries': len(kanban.rows),
        'kanban_inside_procurement': len(inside),
        'kanban_outside_procurement': len(outside),
        'outside_by_function': dict(by_function.most_common()),
        'outside_by_table': dict(collections.Counter(row['shape'] for row in outside).most_common()),
        'inside_minus_baseline_by_table': inside_diff,
        'outside_queries': ['%s | %s' % (row['kanban'], row['query'][:160]) for row in outside],
    }


def attribute_time(env, case, reps):
    """Inclusive wall and CPU time and queries of the kanban methods,
    averaged over ``reps`` signals, and Odoo's procurement run alone."""
    with measure.Probe(env, PROBES) as probe:
        for _ in range(reps):
            sample(env, case.kanban)
    with measure.Probe(env, [('procurement.group', 'run', 'baseline run')]) as base_probe:
        for _ in range(reps):
            sample(env, case.baseline)
    phases = collections.OrderedDict(
        (label, {'ms': wall * 1000.0 / reps, 'cpu_ms': cpu * 1000.0 / reps,
                 'queries': queries / reps, 'calls': calls / reps})
        for label, (wall, cpu, queries, calls) in probe.stats.items())
    wall, cpu, queries, _calls = base_probe.stats['baseline run']
    return {'phases': phases, 'baseline_run_ms': wall * 1000.0 / reps,
            'baseline_run_cpu_ms': cpu * 1000.0 / reps, 'baseline_run_queries': queries / reps,
            'not_in_code': probe.missing}


def commit_signal_loops(session):
    """{method: loop id} of the signal loops, committed first, as a real
    factory's are long before anyone scans: cards and loops made in the
    measured transaction itself would make PostgreSQL re-check every
    foreign key of each card and loop row a scan updates (it does for rows
    the updating transaction inserted), a cost no factory pays.  The caller
    archives them (session.retire)."""
    with session.committed('the signal measures') as env:
        return {method: loop.id for method, loop in Factory(env).signal_setup()['loops'].items()}


def signal_reps(args, method):
    """Pairs for one method.  A purchase line or a move costs Odoo about
    80-110 ms here and the scan adds about 3 ms: their ratios sit near
    1.03 while one sample differs from the next by 15-20 %, so the ratio
    of medians of 100 pairs moved by +-0.025 between runs, of 300 by about
    +-0.014.  An MO costs 2-3 times more for the same 3 ms (ratio near
    1.00: 0.995 over 300 pairs), but one MO pair's ratio spreads as widely
    (0.77-1.25), and 100 pairs once read 1.055: 160 pairs, paid for by one
    warm-up pair per block instead of two (the first pair after it reads
    as the others: medians by position in the block, run 14) and fewer
    signals at each flat size."""
    return min(args.reps, args.mo_reps) if method == 'manufacture' else args.reps


def bench_signal(session, args, loop_ids):
    results, attribution = [], {}
    for method in args.methods:
        reps = signal_reps(args, method)
        log('signal cost: %s (%d pairs in blocks of %d, warm-up %d per block) ...' % (
            method, reps, args.block, args.warmup))
        row, found = measure_signal(session, args, method, loop_ids[method], reps,
                                    attribute=args.attribute)
        results.append(row)
        if found:
            attribution[method] = found
    return results, attribution


def print_signal_table(results, title='Signal cost'):
    log('')
    log('%s (back-to-back pairs, each sample in a rolled-back savepoint)' % title)
    header = '%-12s %8s %8s %9s %8s %7s | %7s %7s %7s %7s | %6s %6s %7s' % (
        'method', 'base ms', 'base p90', 'kanban ms', 'kan p90', 'ratio', 'medians', 'min',
        'p90', 'cpu', 'base q', 'kan q', 'extra q')
    log(header)
    log('-' * len(header))
    for row in results:
        base, kanban = row['baseline'], row['kanban']
        verdict = 'ok' if row['ratio'] <= SIGNAL_TARGET else 'OVER'
        log('%-12s %8.1f %8.1f %9.1f %8.1f %6.3fx | %6.3fx %6.3fx %6.3fx %6.3fx | %6d %6d %+7d  %s' % (
            row['method'], base['median_ms'], base['p90_ms'], kanban['median_ms'],
            kanban['p90_ms'], row['ratio'], row['ratio_of_medians'], row['ratio_min'],
            row['ratio_p90'], row['ratio_cpu'], base['queries'], kanban['queries'],
            row['extra_queries'], verdict))
    log('target: ratio <= %.2fx, the median of the ratios of back-to-back pairs (the machine\'s '
        'speed drifts; a pair sees one speed).  Cross-checks, kanban/baseline: medians = ratio of '
        'the medians of all samples, min = fastest samples, p90, cpu = median CPU time of this '
        'process (no database time, barely disturbed by other load)' % SIGNAL_TARGET)


def print_attribution(attribution):
    for method, data in attribution.items():
        log('')
        log('Where the kanban signal spends it: %s' % method)
        log('  queries: baseline %d, kanban %d = %d inside procurement.group.run + %d around it'
            % (data['baseline_queries'], data['kanban_queries'], data['kanban_inside_procurement'],
               data['kanban_outside_procurement']))
        log('  inside run minus baseline, by table: %s' % (
            ', '.join('%s %+d' % item for item in data['inside_minus_baseline_by_table'].items())
            or 'none'))
        log('  around the run, by kanban function: %s' % ', '.join(
            '%s %d' % item for item in data['outside_by_function'].items()))
        if len(data['outside_queries']) <= 30:
            for line in data['outside_queries']:
                log('    %s' % line[:150])
        log('  %-52s %8s %8s %8s %6s' % ('phase (inclusive, per signal)', 'wall ms', 'cpu ms',
                                         'queries', 'calls'))
        for label, phase in data['phases'].items():
            if phase['calls']:  # probes the signal no longer goes through stay in the JSON
                log('  %-52s %8.2f %8.2f %8.1f %6.1f' % (label, phase['ms'], phase['cpu_ms'],
                                                       phase['queries'], phase['calls']))
        log('  %-52s %8.2f %8.2f %8.1f' % ('baseline: procurement.group.run alone',
                                           data['baseline_run_ms'], data['baseline_run_cpu_ms'],
                                           data['baseline_run_queries']))
