"""The scan's hot path in SQL.

A signal must cost next to nothing beside the order it makes (see bench/):
the card, loop and event rows it touches are read and written with a fixed
handful of statements instead of ORM round trips.  Plain functions on a
cursor; the models decide, these only move rows.
"""
ORDER_COLUMNS = ('production_id', 'purchase_line_id', 'transfer_group_id')
# how each replenishment document is named, from the card's link to it
ORDER_NAMES = {
    'production_id': ('mrp.production', "SELECT id, id, name FROM mrp_production WHERE id IN %s"),
    'purchase_line_id': ('purchase.order', """
        SELECT l.id, o.id, o.name FROM purchase_order_line l
          JOIN purchase_order o ON o.id = l.order_id WHERE l.id IN %s"""),
    'transfer_group_id': ('stock.picking', """
        SELECT DISTINCT ON (p.group_id) p.group_id, p.id, p.name FROM stock_picking p
         WHERE p.group_id IN %s ORDER BY p.group_id, p.state IN ('done', 'cancel'), p.id DESC"""),
}
EVENT_COLUMNS = ('event_type', 'origin', 'card_id', 'barcode', 'loop_id', 'product_id',
                 'location_id', 'company_id', 'from_state', 'to_state', 'quantity',
                 'order_model', 'order_id', 'order_name', 'reason', 'lead_time_hours')


# what the operator's screen shows of a card (see _facts)
FACTS_SELECT = """
    c.id, c.barcode, c.state, c.waiting_reason, l.name, l.container_qty,
    pt.name, pp.default_code, loc.complete_name, u.name,
    c.production_id, c.purchase_line_id, c.transfer_group_id"""
FACTS_JOIN = """
    JOIN product_product pp ON pp.id = l.product_id
    JOIN product_template pt ON pt.id = pp.product_tmpl_id
    JOIN product_uom u ON u.id = pt.uom_id
    JOIN stock_location loc ON loc.id = l.location_id"""


def _facts(row):
    (card_id, barcode, state, waiting, loop_name, quantity, product, code, location, uom) = row[:10]
    return dict(zip(ORDER_COLUMNS, row[10:]), **{
        'id': card_id,
        'card_id': card_id, 'barcode': barcode, 'state': state, 'waiting_reason': waiting or False,
        'loop_name': loop_name, 'quantity': quantity,
        'product_name': '[%s] %s' % (code, product) if code else product,
        'location_name': location, 'uom_name': uom,
    })


TOUCH_LOOP = "UPDATE jit_kanban_loop SET last_signal_at = (now() at time zone 'UTC')"


def touch_loops(cr, loop_ids):
    """Write-lock loops (see JitKanbanLoop._lock_rows)."""
    cr.execute(TOUCH_LOOP + ' WHERE id IN %s', (tuple(loop_ids),))


def lock_card_and_loop(cr, card_id):
    """Write-lock the card's loop, then row-lock the card (the LockRows step
    runs on top of the join, so always after the loop's UPDATE: the lock
    order of JitKanbanLoop._lock_rows).  Returns (loop id, loop state, lock
    reason, card active, card supermarket, the card's facts as card_facts)."""
    cr.execute("""
        WITH l AS (
            %s WHERE id = (SELECT loop_id FROM jit_kanban_card WHERE id = %%s)
            RETURNING id, state, lock_reason, name, container_qty, product_id, location_id)
        SELECT l.id, l.state, l.lock_reason, c.active, c.location_id, %s
          FROM jit_kanban_card c JOIN l ON l.id = c.loop_id %s
         WHERE c.id = %%s
           FOR UPDATE OF c""" % (TOUCH_LOOP, FACTS_SELECT, FACTS_JOIN), (card_id, card_id))
    row = cr.fetchone()
    return row[:5] + (_facts(row[5:]),)


def shift_board(cr, loop_id, full=0, empty=0, ordered=0):
    """Move the loop's board counts by what a scan changed (one statement
    instead of a recount); returns the new (full, empty, ordered, urgency)."""
    cr.execute("""
        UPDATE jit_kanban_loop SET full_count = full_count + %s, empty_count = empty_count + %s,
                                   ordered_count = ordered_count + %s
         WHERE id = %s RETURNING full_count, empty_count, ordered_count, urgency""",
               (full, empty, ordered, loop_id))
    return cr.fetchone()


def set_state(cr, uid, card_ids, state, **columns):
    """Move cards to ``state`` (and set ``columns``); returns per card its
    id, barcode, loop, product, supermarket, company and order links."""
    columns = dict(columns, state=state, write_uid=uid)
    assignments = ', '.join('%s = %%s' % name for name in columns)
    cr.execute("""
        UPDATE jit_kanban_card SET %s, write_date = (now() at time zone 'UTC')
         WHERE id IN %%s
        RETURNING id, barcode, loop_id, product_id, location_id, company_id, %s""" % (
        assignments, ', '.join(ORDER_COLUMNS)), list(columns.values()) + [tuple(card_ids)])
    return [dict(zip(('id', 'barcode', 'loop_id', 'product_id', 'location_id', 'company_id')
                     + ORDER_COLUMNS, row)) for row in cr.fetchall()]


def waiting_cards(cr, loop_id):
    """Empty cards of the loop, oldest signal first, and the number of
    distinct orders open for it."""
    cr.execute("""
        SELECT c.id, o.open_orders
          FROM (SELECT COUNT(DISTINCT (production_id, purchase_line_id, transfer_group_id)) AS open_orders
                  FROM jit_kanban_card
                 WHERE loop_id = %s AND state = 'ordered' AND active) o
          LEFT JOIN jit_kanban_card c ON c.loop_id = %s AND c.state = 'empty' AND c.active
         ORDER BY c.signalled_at, c.sequence""", (loop_id, loop_id))
    rows = cr.fetchall()
    return [row[0] for row in rows if row[0]], (rows[0][1] if rows else 0)


def order_refs(cr, cards):
    """{card id: (model, id, name)} of the order each card is linked to."""
    refs = {}
    for column, (model, query) in ORDER_NAMES.items():
        links = {card['id']: card[column] for card in cards if card.get(column)}
        if not links:
            continue
        cr.execute(query, (tuple(set(links.values())),))
        names = {link: (model, doc_id, name) for link, doc_id, name in cr.fetchall()}
        refs.update({card_id: names[link] for card_id, link in links.items() if link in names})
    return refs


def insert_events(cr, uid, rows):
    """One INSERT for all events (an append-only log: no ORM side effects
    to run); returns their ids in the order of ``rows``."""
    if not rows:
        return []
    now = "(now() at time zone 'UTC')"
    line = '(%s, %s, %s, %s)' % (', '.join(['%s'] * (len(EVENT_COLUMNS) + 3)), now, now, now)
    values = []
    for row in rows:
        values.extend([row.get(column) for column in EVENT_COLUMNS] + [uid, uid, uid])
    cr.execute("""
        INSERT INTO jit_kanban_event (%s, user_id, create_uid, write_uid, date, create_date, write_date)
        VALUES %s RETURNING id""" % (', '.join(EVENT_COLUMNS), ', '.join([line] * len(rows))), values)
    return [row[0] for row in cr.fetchall()]


def card_facts(cr, card_id):
    """What the operator's screen shows of a card, in one query."""
    cr.execute("""
        SELECT %s
          FROM jit_kanban_card c
          JOIN jit_kanban_loop l ON l.id = c.loop_id %s
         WHERE c.id = %%s""" % (FACTS_SELECT, FACTS_JOIN), (card_id,))
    row = cr.fetchone()
    return _facts(row) if row else {}
