"""Load the demo factory's history (data/demo_history.csv) into a database:
card events and done consumption moves with past dates, each in one INSERT.
Loading twice changes nothing (the events carry a marker).

    python -m data.load_demo_history --config odoo.conf --db jit_kanban_demo
"""
import argparse
from datetime import datetime, timedelta

from data import demo_history

MARKER = 'demo history'
# state, procure_method, priority, sequence, scrapped, propagate, additional
MOVE_DONE = ('done', 'make_to_stock', '1', 10, False, True, False)
STATES = {'signal': ('full', 'empty'), 'order': ('empty', 'ordered'), 'receive': ('ordered', 'full')}


def load(env, rows=None, now=None):
    """Insert the history; returns (events, moves) inserted, (0, 0) if it is there already."""
    cr = env.cr
    cr.execute("SELECT 1 FROM jit_kanban_event WHERE reason = %s LIMIT 1", (MARKER,))
    if cr.fetchone():
        return 0, 0
    rows = demo_history.read() if rows is None else rows
    now = now or datetime.utcnow()
    loops = {xmlid: env.ref(xmlid, raise_if_not_found=False) for xmlid in {r['loop'] for r in rows}}
    cards = {}
    for xmlid, loop in loops.items():
        if loop:
            ordered = loop.with_context(active_test=False).card_ids.sorted('sequence')
            cards[xmlid] = {index: card for index, card in enumerate(ordered, 1)}
    production = env.ref('stock.location_production')
    events, moves = [], []
    for row in rows:
        loop = loops.get(row['loop'])
        if not loop:
            continue
        at = now - timedelta(hours=float(row['hours_ago']))
        quantity = float(row['quantity'])
        if row['kind'] == 'consume':
            if quantity > 0:
                moves.append((
                    'Kanban demo: used on the line', loop.product_id.id, loop.product_id.uom_id.id,
                    quantity, quantity, loop.location_id.id, production.id, loop.company_id.id,
                    at, at, env.uid, env.uid, at, at))
            continue
        card = cards[row['loop']].get((int(row['card']) - 1) % len(cards[row['loop']]) + 1)
        from_state, to_state = STATES[row['kind']]
        lead = float(row['lead_time_hours']) if row['lead_time_hours'] else None
        events.append((
            at, card.id, card.barcode, loop.id, loop.product_id.id, loop.location_id.id,
            loop.company_id.id, row['kind'], 'station' if row['kind'] == 'signal' else 'auto',
            from_state, to_state, env.uid, quantity, lead, MARKER, env.uid, env.uid, at, at))
    if events:
        cr.execute("""
            INSERT INTO jit_kanban_event (date, card_id, barcode, loop_id, product_id, location_id,
                company_id, event_type, origin, from_state, to_state, user_id, quantity,
                lead_time_hours, reason, create_uid, write_uid, create_date, write_date)
            VALUES %s""" % ', '.join(
            cr.mogrify('(%s)' % ', '.join(['%s'] * len(events[0])), event).decode() for event in events))
    if moves:
        cr.execute("""
            INSERT INTO stock_move (name, product_id, product_uom, product_uom_qty, product_qty,
                location_id, location_dest_id, company_id, date, date_expected, create_uid,
                write_uid, create_date, write_date, state, procure_method, priority, sequence,
                scrapped, propagate, additional)
            VALUES %s""" % ', '.join(
            cr.mogrify('(%s)' % ', '.join(['%s'] * (len(moves[0]) + len(MOVE_DONE))),
                       move + MOVE_DONE).decode() for move in moves))
    env['jit.kanban.loop'].invalidate_cache()
    return len(events), len(moves)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--config', required=True)
    parser.add_argument('--db', required=True)
    args = parser.parse_args(argv)
    from jit_kanban_runtime import adapter
    adapter.apply()
    import odoo
    odoo.tools.config.parse_config(['-c', args.config, '-d', args.db, '--log-level=warn'])
    with odoo.api.Environment.manage(), odoo.registry(args.db).cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        events, moves = load(env)
    print('demo history: %d card events and %d consumption moves loaded' % (events, moves))


if __name__ == '__main__':
    main()
