"""Simultaneous scans through Odoo's real RPC entry point, each on its own
database connection and committed: one card never makes two orders, and a
batch is never missed when its last cards are scanned together."""
import contextlib
import logging
import threading
import uuid

import odoo
from odoo import SUPERUSER_ID
from odoo.service import model as rpc
from odoo.tools import config


def _committed_loop(registry, tag, **values):
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, SUPERUSER_ID, {})
        stock = env['stock.warehouse'].search([('company_id', '=', env.user.company_id.id)],
                                              limit=1).lot_stock_id
        supermarket = env['stock.location'].create({
            'name': 'Concurrency %s' % tag, 'location_id': stock.id, 'is_supermarket': True})
        part = env['product.product'].create({'name': 'Part %s' % tag, 'type': 'product'})
        product = env['product.product'].create({'name': 'Assembly %s' % tag, 'type': 'product'})
        bom = env['mrp.bom'].create({'product_tmpl_id': product.product_tmpl_id.id,
                                     'bom_line_ids': [(0, 0, {'product_id': part.id, 'product_qty': 1})]})
        vals = dict(product_id=product.id, location_id=supermarket.id, bom_id=bom.id,
                    replenish_method='manufacture', container_qty=5, card_count=3)
        vals.update(values)
        loop = env['jit.kanban.loop'].create(vals)
        loop.action_activate()
        return loop.id, loop.card_ids.sorted('sequence').mapped('barcode')


def _cleanup(registry, loop_id):
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, SUPERUSER_ID, {})
        loop = env['jit.kanban.loop'].browse(loop_id)
        productions = env['mrp.production'].search([('jit_kanban_loop_id', '=', loop_id)])
        productions.action_cancel()
        productions.unlink()
        location, product = loop.location_id, loop.product_id
        loop.route_id.unlink()
        loop.unlink()
        location.active = False
        product.active = False


def _scan_together(db, barcodes, key=None):
    """Each barcode scanned in its own thread, released at the same instant
    (all with the same idempotency key when ``key`` is given)."""
    barrier = threading.Barrier(len(barcodes))
    answers, errors = [], []

    def scan(barcode):
        try:
            with odoo.api.Environment.manage():
                barrier.wait()
                answers.append(rpc.execute(db, SUPERUSER_ID, 'jit.kanban.card', 'signal_barcode',
                                           barcode, False, None, key))
        except Exception as error:  # reported by the test
            errors.append(error)
    threads = [threading.Thread(target=scan, args=(barcode,)) for barcode in barcodes]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert not errors, errors
    return answers


@contextlib.contextmanager
def _logged(name):
    """[(level, message)] of what ``name``'s loggers say meanwhile, INFO up."""
    records = []
    handler = logging.Handler(logging.INFO)
    handler.emit = lambda record: records.append((record.levelno, record.getMessage()))
    logger = logging.getLogger(name)
    level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    try:
        yield records
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)


def _state(registry, loop_id):
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, SUPERUSER_ID, {})
        loop = env['jit.kanban.loop'].browse(loop_id)
        productions = env['mrp.production'].search([('jit_kanban_loop_id', '=', loop_id)])
        signals = env['jit.kanban.event'].search_count([('loop_id', '=', loop_id),
                                                        ('event_type', '=', 'signal')])
        return ([(p.product_qty, len(p.jit_kanban_card_ids)) for p in productions],
                loop.card_ids.sorted('sequence').mapped('state'), signals)


def test_two_simultaneous_scans_of_one_card_make_one_order():
    """... and the scan that waited is retried by Odoo without an ERROR in
    the server's log: a factory's log shows real faults only."""
    db = config['db_name']
    registry = odoo.registry(db)
    loop_id, barcodes = _committed_loop(registry, uuid.uuid4().hex[:8])
    try:
        with _logged('odoo') as records:
            answers = _scan_together(db, [barcodes[0], barcodes[0]])
        retried = [text for level, text in records if 'retry' in text]
        errors = [text[:200] for level, text in records if level >= logging.ERROR]
        assert (len(retried), errors) == (1, []), records
        assert sorted(a['result'] for a in answers) == ['accepted', 'already_signalled']
        assert answers[0]['order_id'] == answers[1]['order_id'] != False  # noqa: E712
        productions, states, signals = _state(registry, loop_id)
        assert productions == [(5.0, 1)]
        assert states == ['ordered', 'full', 'full']
        assert signals == 1
    finally:
        _cleanup(registry, loop_id)


def test_last_cards_of_a_batch_scanned_together_make_one_order():
    db = config['db_name']
    registry = odoo.registry(db)
    loop_id, barcodes = _committed_loop(registry, uuid.uuid4().hex[:8],
                                        trigger_policy='batch', batch_size=2)
    try:
        answers = _scan_together(db, barcodes[:2])
        assert [a['result'] for a in answers] == ['accepted', 'accepted']
        productions, states, signals = _state(registry, loop_id)
        assert productions == [(10.0, 2)]
        assert states == ['ordered', 'ordered', 'full']
        assert signals == 2
    finally:
        _cleanup(registry, loop_id)


def test_one_request_sent_four_times_at_once_is_one_signal():
    """A tablet that resends a queued scan while the first try is still
    running: same key, same answer, one order, one event."""
    db = config['db_name']
    registry = odoo.registry(db)
    loop_id, barcodes = _committed_loop(registry, uuid.uuid4().hex[:8])
    try:
        answers = _scan_together(db, [barcodes[0]] * 4, key='tablet-%s' % uuid.uuid4().hex)
        assert [a['result'] for a in answers] == ['accepted'] * 4
        assert len({a['event_id'] for a in answers}) == 1
        productions, states, signals = _state(registry, loop_id)
        assert productions == [(5.0, 1)]
        assert signals == 1
        with registry.cursor() as cr:
            cr.execute("SELECT count(*) FROM jit_kanban_event WHERE loop_id = %s "
                       "AND event_type IN ('repeat', 'reject')", (loop_id,))
            assert cr.fetchone()[0] == 0
    finally:
        _cleanup(registry, loop_id)
