"""The kanban tables' hot paths in SQL: cards, their loops, events, orders.

A signal must cost next to nothing beside the order it makes (see bench/):
the rows it touches are locked, read and written with a fixed handful of
statements instead of ORM round trips.  Plain functions on a cursor; the
models check who asks and decide, these only lock, read and move rows.
Column names come from the fixed tuples below, never from callers.
"""
import collections
import logging

import psycopg2
from odoo.service.model import PG_CONCURRENCY_ERRORS_TO_RETRY

_logger = logging.getLogger(__name__)

# card columns that link a card to its replenishment document
ORDER_COLUMNS = ('production_id', 'purchase_line_id', 'transfer_group_id')
CARD_COLUMNS = frozenset(ORDER_COLUMNS + (
    'state', 'waiting_reason', 'order_failed', 'signalled_at', 'signalled_by', 'ordered_at',
    'write_uid'))
EVENT_COLUMNS = ('event_type', 'origin', 'card_id', 'barcode', 'loop_id', 'product_id',
                 'location_id', 'company_id', 'from_state', 'to_state', 'quantity',
                 'order_model', 'order_id', 'order_name', 'reason', 'lead_time_hours',
                 'idempotency_key', 'device_id')
NOW = "(now() at time zone 'UTC')"

CARD_ROW = ('id', 'barcode', 'loop_id', 'product_id', 'location_id', 'company_id') + ORDER_COLUMNS
# a loop's open orders: distinct documents still owing containers (ordered cards)
OPEN_ORDERS = """
    SELECT COUNT(DISTINCT (production_id, purchase_line_id, transfer_group_id))
      FROM jit_kanban_card WHERE loop_id = {loop} AND state = 'ordered' AND active"""
# the order in which a loop's empty cards are ordered: oldest signal first
# (a card emptied without one first of all), so a card signalled now is last
WAITING_ORDER = 'signalled_at NULLS FIRST, sequence'
# the procurement rule Odoo's _get_rule finds first for an order of loop
# {loop} at its supermarket: the loop's route, the supermarket, the loop's
# warehouse or none, by route then rule sequence.  Read with the loop's
# lock, it saves each order Odoo's rule search; NULL where Odoo would look
# further (no warehouse on the loop, or no such rule: then Odoo searches
# the supermarket's parents, the product's and the warehouse's routes).
LOOP_RULE = """
    (SELECT r.id FROM procurement_rule r
      WHERE r.route_id = {loop}.route_id AND r.location_id = {loop}.location_id AND r.active
        AND {loop}.warehouse_id IS NOT NULL
        AND (r.warehouse_id = {loop}.warehouse_id OR r.warehouse_id IS NULL)
      ORDER BY r.route_sequence, r.sequence, r.id LIMIT 1)"""


# what the operator's screen shows of a card (see _facts), from ``c`` (card)
# and ``l`` (loop).  Scalar sub-selects, not joins: each is one primary-key
# look-up, and the planner need not search join orders on every scan (the
# joins cost a scan 0.3-0.4 ms of planning, more than running them).
PRODUCT_OF_LOOP = '(SELECT product_tmpl_id FROM product_product WHERE id = l.product_id)'
FACTS_SELECT = """
    c.id, c.barcode, c.state, c.waiting_reason, l.name, l.container_qty,
    (SELECT name FROM product_template WHERE id = {tmpl}),
    (SELECT default_code FROM product_product WHERE id = l.product_id),
    (SELECT complete_name FROM stock_location WHERE id = l.location_id),
    (SELECT name FROM product_uom WHERE id = (SELECT uom_id FROM product_template WHERE id = {tmpl})),
    c.production_id, c.purchase_line_id, c.transfer_group_id""".format(tmpl=PRODUCT_OF_LOOP)
FACTS_SIZE = 13


def _facts(row):
    (card_id, barcode, state, waiting, loop_name, quantity, product, code, location, uom) = row[:10]
    return dict(zip(ORDER_COLUMNS, row[10:]), **{
        'id': card_id,
        'card_id': card_id, 'barcode': barcode, 'state': state, 'waiting_reason': waiting or False,
        'loop_name': loop_name, 'quantity': quantity,
        'product_name': '[%s] %s' % (code, product) if code else product,
        'location_name': location, 'uom_name': uom,
    })


def _execute(cr, query, params=None):
    """cr.execute without Odoo's "bad query" ERROR line for what concurrent
    scans of one card or loop make fail (a lock or serialization failure):
    Odoo retries that request and logs the retry.  Any other failure is
    logged as cr.execute would."""
    try:
        cr.execute(query, params, log_exceptions=False)
    except psycopg2.Error as error:
        if error.pgcode not in PG_CONCURRENCY_ERRORS_TO_RETRY:
            _logger.error('bad query: %s\nERROR: %s', query, error)
        raise


def lock_loops(cr, loop_ids):
    """Row-lock loops, in id order (no deadlock between two lockers).

    Every change of a loop's cards also writes the loop row (its board
    figures), so under REPEATABLE READ a transaction that waited here fails
    to serialize once the other commits, and Odoo retries it on a fresh
    snapshot that sees the cards the other one changed."""
    if loop_ids:
        _execute(cr, 'SELECT id FROM jit_kanban_loop WHERE id IN %s ORDER BY id FOR UPDATE',
                 (tuple(loop_ids),))


def lock_cards(cr, card_ids):
    if card_ids:
        _execute(cr, 'SELECT id FROM jit_kanban_card WHERE id IN %s ORDER BY id FOR UPDATE',
                 (tuple(card_ids),))


# what lock_card_and_loop reads: the loop's and card's states, the card's
# facts (see _facts) and row (CARD_ROW), the loop's own columns ({column:
# value}), and what the loop would have waiting if the card were signalled
# now: its empty card ids in the order they are ordered, the card last, its
# number of open orders, and the procurement rule of its orders (LOOP_RULE)
Locked = collections.namedtuple('Locked', 'loop_id loop_state loop_active lock_reason '
                                          'card_active location_id facts card_row loop_row '
                                          'waiting open_orders rule_id')


def lock_card_and_loop(cr, card, loop_columns=()):
    """Lock the card's loop, then the card (the order of lock_loops), and
    read what a scan decides on and needs next.  ``card``: its id, or (SQL
    selecting at most one card id, its params), e.g. the caller's search by
    barcode with its record rules, so that finding the card costs no
    statement of its own.  Returns None when there is no such card, else a
    Locked, whose ``loop_row`` holds the loop's ``loop_columns`` (its own
    stored columns, named by its model, so the ORM need not read the row
    again).  The loop's lock keeps its cards as read until the scan ends."""
    found, params = ('SELECT %s', [card]) if isinstance(card, int) else card
    extra = ''.join(', l."%s"' % name for name in loop_columns)
    _execute(cr, """
        WITH found AS MATERIALIZED (%s),
        l AS MATERIALIZED (
            SELECT *
              FROM jit_kanban_loop
             WHERE id = (SELECT loop_id FROM jit_kanban_card WHERE id = (SELECT * FROM found))
               FOR UPDATE)
        SELECT l.id, l.state, l.active, l.lock_reason, c.active, c.location_id,
               (SELECT ARRAY_AGG(id ORDER BY %s) FROM jit_kanban_card
                 WHERE loop_id = l.id AND state = 'empty' AND active AND id <> c.id),
               (%s), %s, %s, %s%s
          FROM jit_kanban_card c JOIN l ON l.id = c.loop_id
         WHERE c.id = (SELECT * FROM found)
           FOR UPDATE OF c""" % (found, WAITING_ORDER, OPEN_ORDERS.format(loop='l.id'),
                                 LOOP_RULE.format(loop='l'),
                                 ', '.join('c.%s' % name for name in CARD_ROW), FACTS_SELECT,
                                 extra), list(params))
    row = cr.fetchone()
    if not row:
        return None
    facts_at = 9 + len(CARD_ROW)
    size = facts_at + FACTS_SIZE
    return Locked(*row[:6], waiting=(row[6] or []) + [row[9]], open_orders=row[7],
                  rule_id=row[8], card_row=dict(zip(CARD_ROW, row[9:facts_at])),
                  facts=_facts(row[facts_at:size]), loop_row=dict(zip(loop_columns, row[size:])))


# a card a scan signals: it stays full in the table until the statement
# that orders it (set_state_named) or, if it waits, the one that moves the
# board (shift_board) writes it, which saves the scan a statement of its own;
# ``user_id``: who scanned (the order is made as the system)
Signalled = collections.namedtuple('Signalled', 'card_id at user_id')
# the link columns of a card linked to no order (a full card keeps the link
# to its last order until it is signalled again)
NO_LINKS = {column: None for column in ORDER_COLUMNS}


def shift_board(cr, loop_id, full=0, empty=0, ordered=0, uid=None, events=(), notice=None,
                emptied=None, urgency=None):
    """Move the loop's board counts by what a scan changed (one statement
    instead of a recount), inserting the scan's ``events`` and the live
    boards' bus ``notice`` ((channel, message), as bus.bus stores them) and
    emptying the ``emptied`` card (a Signalled still full: it waits) in the
    same statement; returns the new (full, empty, ordered, urgency) and the
    ids of the events inserted (see insert_events).  ``urgency``: the
    (urgency, urgency_rank) to write with the counts."""
    sets = ''
    params = [full, empty, ordered]
    if urgency:
        sets = ', urgency = %s, urgency_rank = %s'
        params += list(urgency)
    sql = """
        UPDATE jit_kanban_loop SET full_count = full_count + %s, empty_count = empty_count + %s,
                                   ordered_count = ordered_count + %s,
                                   last_signal_at = """ + NOW + sets + """
         WHERE id = %s RETURNING full_count, empty_count, ordered_count, urgency"""
    params.append(loop_id)
    ctes, before = [], []
    if events:
        insert, values = _insert_events(uid, events)
        ctes.append('inserted AS (%s)' % insert)
        before += values
        sql += ', (SELECT ARRAY_AGG(id ORDER BY id) FROM inserted)'
    if notice:
        ctes.append("""notice AS (INSERT INTO bus_bus (channel, message, create_uid, write_uid,
                                                     create_date, write_date)
                                 VALUES (%%s, %%s, %%s, %%s, %s, %s))""" % (NOW, NOW))
        before += list(notice) + [uid, uid]
    if emptied:
        update, values = _emptying(uid, emptied)
        ctes.append('emptied AS (%s)' % update)
        before += values
    if ctes:
        sql = 'WITH %s %s' % (', '.join(ctes), sql)
    _execute(cr, sql, before + params)
    row = cr.fetchone()
    return row[:4], (row[4] or []) if events else []


def empty_signalled(cr, uid, signalled):
    """Empty a Signalled card now (its order failed: the failure is written
    on an empty card)."""
    _execute(cr, *_emptying(uid, signalled))


def _emptying(uid, signalled):
    """The UPDATE emptying a Signalled card still full: (sql, params)."""
    return _update(uid, [signalled.card_id], 'empty',
                   dict(NO_LINKS, signalled_at=signalled.at, signalled_by=signalled.user_id),
                   returning=(), from_state='full')


def _update(uid, card_ids, state, columns, returning=CARD_ROW, signalled=None, from_state=None):
    """The UPDATE moving cards (those in ``from_state``, if given) to
    ``state`` and setting ``columns``, returning ``returning``: (sql,
    params).  ``signalled``: a full card the same statement signals (see
    Signalled)."""
    columns = dict(columns, state=state, write_uid=uid)
    unknown = set(columns) - CARD_COLUMNS
    if unknown:
        raise ValueError('not a card column: %s' % ', '.join(sorted(unknown)))
    names = sorted(columns)
    sets = ['%s = %%s' % name for name in names]
    params = [columns[name] for name in names]
    if signalled:
        sets += ['signalled_at = CASE WHEN id = %s THEN %s ELSE signalled_at END',
                 'signalled_by = CASE WHEN id = %s THEN %s ELSE signalled_by END']
        params += [signalled.card_id, signalled.at, signalled.card_id, signalled.user_id]
    params.append(tuple(card_ids))
    where = 'id IN %s'
    if from_state:
        where += ' AND state = %s'
        params.append(from_state)
    return ("""
        UPDATE jit_kanban_card SET %s, write_date = %s
         WHERE %s%s""" % (', '.join(sets), NOW, where,
                          ' RETURNING ' + ', '.join(returning) if returning else ''), params)


def set_state(cr, uid, card_ids, state, **columns):
    """Move cards to ``state`` (and set ``columns``); returns per card its
    id, barcode, loop, product, supermarket, company and order links."""
    _execute(cr, *_update(uid, card_ids, state, columns))
    return [dict(zip(CARD_ROW, row)) for row in cr.fetchall()]


def set_state_named(cr, uid, card_ids, state, name_queries, signalled=None, **columns):
    """set_state, each row also carrying ``order``: (model, id, name) of the
    document it is linked to (None if none), read in the same statement
    (one index look-up per card and kind); ``name_queries`` as for
    order_refs; ``signalled``: a full card signalled by this statement (a
    scan's card ordered at once: see Signalled)."""
    update, params = _update(uid, card_ids, state, columns, signalled=signalled)
    picks, joins = [], []
    kinds = sorted(name_queries.items())
    for index, (column, (_model, query)) in enumerate(kinds):
        if column not in ORDER_COLUMNS or query.count('IN %s') != 1:
            raise ValueError('not a naming query for %s' % column)
        picks.append('n%d.doc_id, n%d.name' % (index, index))
        joins.append('LEFT JOIN LATERAL (%s) n%d (link, doc_id, name) ON TRUE' % (
            query.replace('IN %s', 'IN (moved.%s)' % column), index))
    _execute(cr, 'WITH moved AS (%s) SELECT %s, %s FROM moved %s' % (
        update, ', '.join('moved.%s' % name for name in CARD_ROW), ', '.join(picks),
        ' '.join(joins)), params)
    rows = []
    for values in cr.fetchall():
        row, names = dict(zip(CARD_ROW, values)), values[len(CARD_ROW):]
        row['order'] = next(((model, names[2 * i], names[2 * i + 1])
                             for i, (_column, (model, _q)) in enumerate(kinds)
                             if names[2 * i]), None)
        rows.append(row)
    return rows


def loop_rules(cr, loop_ids):
    """{loop id: the procurement rule of its orders (LOOP_RULE), or None}."""
    if not loop_ids:
        return {}
    _execute(cr, 'SELECT l.id, %s FROM jit_kanban_loop l WHERE l.id IN %%s'
             % LOOP_RULE.format(loop='l'), (tuple(loop_ids),))
    return dict(cr.fetchall())


def waiting_cards(cr, loop_id):
    """Empty cards of the loop, oldest signal first, and the number of its
    open orders."""
    _execute(cr, """
        SELECT c.id, o.open_orders
          FROM (%s) o(open_orders)
          LEFT JOIN jit_kanban_card c ON c.loop_id = %%s AND c.state = 'empty' AND c.active
         ORDER BY c.%s""" % (OPEN_ORDERS.format(loop='%s'), WAITING_ORDER.replace(', ', ', c.')),
               (loop_id, loop_id))
    rows = cr.fetchall()
    return [row[0] for row in rows if row[0]], (rows[0][1] if rows else 0)


def order_refs(cr, cards, name_queries):
    """{card id: (model, id, name)} of the order each card is linked to;
    ``name_queries``: {card column: (shown model, SQL naming link ids)}."""
    refs = {}
    for column, (model, query) in name_queries.items():
        links = {card['id']: card[column] for card in cards if card.get(column)}
        if not links:
            continue
        _execute(cr, query, (tuple(set(links.values())),))
        names = {link: (model, doc_id, name) for link, doc_id, name in cr.fetchall()}
        refs.update({card_id: names[link] for card_id, link in links.items() if link in names})
    return refs


def insert_events(cr, uid, rows):
    """One INSERT for all events (an append-only log: no ORM side effects
    to run); returns their ids in the order of ``rows``.  A request's
    idempotency key is unique per user and device
    (jit_kanban_event_request_key_index): a concurrent twin that committed
    first makes this one fail to serialize (REPEATABLE READ), and Odoo
    retries it, when it finds the first answer."""
    if not rows:
        return []
    _execute(cr, *_insert_events(uid, rows))
    return [row[0] for row in cr.fetchall()]


def _insert_events(uid, rows):
    line = '(%s, %s, %s, %s)' % (', '.join(['%s'] * (len(EVENT_COLUMNS) + 3)), NOW, NOW, NOW)
    values = []
    for row in rows:
        values.extend([row.get(column) for column in EVENT_COLUMNS] + [uid, uid, uid])
    return ("""
        INSERT INTO jit_kanban_event (%s, user_id, create_uid, write_uid, date, create_date, write_date)
        VALUES %s ON CONFLICT (user_id, (COALESCE(device_id, 0)), idempotency_key) DO NOTHING
        RETURNING id""" % (
        ', '.join(EVENT_COLUMNS), ', '.join([line] * len(rows))), values)


def event_by_key(cr, uid, device_id, key):
    """The request event this user (through this device, or none) already
    recorded with this key, if any: (event id, type, card id, reason,
    barcode).  The expressions of jit_kanban_event_request_key_index."""
    _execute(cr, """
        SELECT id, event_type, card_id, reason, barcode FROM jit_kanban_event
         WHERE user_id = %s AND COALESCE(device_id, 0) = %s AND idempotency_key = %s""",
             (uid, device_id or 0, key))
    return cr.fetchone()


def card_facts(cr, card_id):
    """What the operator's screen shows of a card, in one query."""
    _execute(cr, """
        SELECT %s
          FROM jit_kanban_card c
          JOIN jit_kanban_loop l ON l.id = c.loop_id
         WHERE c.id = %%s""" % FACTS_SELECT, (card_id,))
    row = cr.fetchone()
    return _facts(row) if row else {}
