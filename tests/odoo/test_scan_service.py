"""The scan service: one event per request, exactly-once keys, matching as
scanners read, refusals that write nothing, manager changes set-based."""
from unittest import mock

from odoo.exceptions import AccessError

from kanban_factory import KanbanCase


def statements(env, func):
    """Statements ``func`` runs from cold caches.  Odoo's bus clears its old
    messages on one message in a hundred, at random: not here."""
    env.clear()
    with mock.patch('odoo.addons.bus.models.bus.random.random', return_value=0.5):
        before = env.cr.sql_log_count
        func()
        return env.cr.sql_log_count - before


class TestScanService(KanbanCase):

    def test_every_request_leaves_exactly_one_event_with_its_channel(self):
        loop = self.make_loop('transfer')
        card = loop.card_ids[0]
        Card, Event = self.env['jit.kanban.card'], self.env['jit.kanban.event']
        last = Event.search([], order='id desc', limit=1).id
        Card.signal_barcode(card.barcode, origin='station')
        Card.signal_barcode(card.barcode)
        Card.signal_barcode('NOT-A-CARD', origin='station')
        requests = Event.search([('event_type', 'in', ('signal', 'repeat', 'reject')),
                                 ('id', '>', last)], order='id')
        self.assertEqual([(e.event_type, e.origin) for e in requests],
                         [('signal', 'station'), ('repeat', 'rpc'), ('reject', 'station')])

    def test_a_repeated_scan_writes_nothing_on_the_loop(self):
        loop = self.make_loop('transfer')
        card = loop.card_ids[0]
        self.scan(card)
        self.env.cr.execute('SELECT last_signal_at, write_date, ctid::text FROM jit_kanban_loop '
                            'WHERE id = %s', (loop.id,))
        before = self.env.cr.fetchone()
        self.assertEqual(self.scan(card)['result'], 'already_signalled')
        self.env.cr.execute('SELECT last_signal_at, write_date, ctid::text FROM jit_kanban_loop '
                            'WHERE id = %s', (loop.id,))
        self.assertEqual(self.env.cr.fetchone(), before)

    def test_the_same_key_replays_the_first_answer_and_orders_once(self):
        loop = self.make_loop('transfer')
        card = loop.card_ids[0]
        Card = self.env['jit.kanban.card']
        first = Card.signal_barcode(card.barcode, idempotency_key='tablet-1:0001')
        again = Card.signal_barcode(card.barcode, idempotency_key='tablet-1:0001')
        self.assertEqual((first['result'], again['result']), ('accepted', 'accepted'))
        self.assertEqual(again['event_id'], first['event_id'])
        self.assertTrue(again['replayed'])
        self.assertEqual(len(self.events(card, 'signal')), 1)
        self.assertFalse(self.events(card, 'repeat'))
        self.assertEqual(len(card.transfer_group_id), 1)
        # a rejected request replays too, and another key is another request
        unknown = Card.signal_barcode('NOPE', idempotency_key='tablet-1:0002')
        self.assertEqual(Card.signal_barcode('NOPE', idempotency_key='tablet-1:0002')['event_id'],
                         unknown['event_id'])
        self.assertEqual(Card.signal_barcode(card.barcode, idempotency_key='tablet-1:0003')['result'],
                         'already_signalled')

    def test_a_replay_after_an_undo_says_only_that_the_card_was_signalled(self):
        card = self.make_loop('transfer').card_ids[0]
        Card = self.env['jit.kanban.card']
        first = Card.signal_barcode(card.barcode, idempotency_key='tablet-9:0001')
        self.assertEqual(Card.undo_signal(first['event_id'])['result'], 'accepted')
        again = Card.signal_barcode(card.barcode, idempotency_key='tablet-9:0001')
        self.assertEqual((again['result'], again['replayed'], again['message'], card.state),
                         ('accepted', True, '%s signalled' % card.barcode, 'full'))

    def test_a_key_used_for_another_card_is_refused_and_devices_keep_their_own(self):
        """A handheld whose key counter started again sends a used key with
        another card: that scan is refused where it is seen, never answered
        with the first card's; two handhelds of one operator count apart."""
        loop = self.make_loop('transfer', card_count=3)
        first, second, third = loop.card_ids
        Card = self.env['jit.kanban.card']
        Card.signal_barcode(first.barcode, idempotency_key='hh:0001')
        reused = Card.signal_barcode(second.barcode, idempotency_key='hh:0001')
        self.assertEqual((reused['result'], reused['reason'], reused.get('replayed', False)),
                         ('rejected', 'key_reused', False))
        self.assertEqual(reused['message'],
                         'Idempotency key "hh:0001" was already used for another barcode')
        self.assertEqual(second.state, 'full')
        refused = self.env['jit.kanban.event'].browse(reused['event_id'])
        self.assertEqual((refused.event_type, refused.barcode, refused.idempotency_key),
                         ('reject', second.barcode, False))
        # the same key from a handheld is that handheld's own
        device = self.env['jit.kanban.device'].create({'name': 'Handheld 9',
                                                       'user_id': self.env.uid})
        from_device = Card._scan(third.barcode, channel='device', device=device,
                                 idempotency_key='hh:0001')
        self.assertEqual((from_device['result'], third.state), ('accepted', 'ordered'))
        again = Card._scan(third.barcode, channel='device', device=device,
                           idempotency_key='hh:0001')
        self.assertEqual((again['event_id'], again['replayed']), (from_device['event_id'], True))

    def test_a_full_card_shows_no_current_order(self):
        loop = self.make_loop('transfer')
        card = loop.card_ids[0]
        self.scan(card)
        picking = card._order_document()
        self.assertEqual(card.order_ref, picking.name)
        self.validate(picking)
        self.assertEqual(card.state, 'full')
        card.invalidate_cache()
        self.assertFalse(card.order_ref, 'a done order is no longer the card\'s current order')
        loop.write({'trigger_policy': 'batch', 'batch_size': 2})
        answer = self.scan(card)
        card.invalidate_cache()
        self.assertEqual((answer['result'], card.state), ('accepted', 'empty'))
        self.assertFalse(card.transfer_group_id, 'a waiting card links to no order')
        self.assertFalse(answer['order_name'])

    def test_barcodes_match_as_scanners_read_them(self):
        loop = self.make_loop('transfer')
        card = loop.card_ids[0]
        answer = self.env['jit.kanban.card'].signal_barcode('  %s\r\n' % card.barcode.lower())
        self.assertEqual((answer['result'], answer['card_id']), ('accepted', card.id))

    def test_a_retired_card_says_so(self):
        loop = self.make_loop('transfer')
        loop.card_count = 2
        retired = loop.with_context(active_test=False).card_ids.filtered(lambda c: not c.active)
        answer = self.scan(retired)
        self.assertEqual((answer['result'], answer['reason']), ('rejected', 'card_retired'))
        self.assertIn('remove it from the floor', answer['message'])
        self.assertEqual(retired.state, 'full')

    def test_a_scan_orders_through_active_rules_only(self):
        """Finding archived cards must not let Odoo's procurement pick an
        archived rule: the order follows the factory's live routing."""
        loop = self.make_loop('manufacture')
        before = self.env['mrp.production'].browse(self.scan(loop.card_ids[0])['order_id'])
        live = self.env['procurement.group']._get_rule(
            loop.product_id, loop.location_id, loop._procurement_values(loop.card_ids[:1]))
        live.copy({'sequence': live.sequence - 1, 'active': False,
                   'location_src_id': self.reserve.id, 'name': 'Retired line feed'})
        answer = self.scan(loop.card_ids[1])
        production = self.env['mrp.production'].browse(answer['order_id'])
        self.assertEqual(answer['result'], 'accepted')
        self.assertNotEqual(production, before)
        self.assertEqual(production.location_src_id, before.location_src_id)
        self.assertNotEqual(production.location_src_id, self.reserve)

    def test_a_signal_adds_a_fixed_handful_of_statements_to_odoos_procurement(self):
        """Find, lock and read; savepoint and release; the cards linked,
        ordered (the scanned one signalled) as the order is made; events,
        board figures, urgency and the live boards' message: what a scan
        costs beside the order itself (a transfer's own procurement group is
        made on both sides).  The scan measured turns its loop amber."""
        for method in ('manufacture', 'buy', 'transfer'):
            with self.subTest(method=method):
                loop = self.make_loop(method, card_count=4)
                values = {key: value for key, value in
                          loop._procurement_values(loop.card_ids[:1]).items()
                          if not key.startswith('jit_kanban')}

                def bare():
                    procurement = dict(values)
                    if method == 'transfer':
                        procurement['group_id'] = self.env['procurement.group'].create(
                            {'name': loop.name, 'move_type': 'direct'})
                    self.env['procurement.group'].run(
                        loop.product_id, loop.container_qty, loop.product_id.uom_id,
                        loop.location_id, loop.name, loop.name, procurement)

                bare()
                self.scan(loop.card_ids[0])
                barcode = loop.card_ids[1].barcode
                extra = statements(self.env, lambda: self.env['jit.kanban.card'].signal_barcode(
                    barcode)) - statements(self.env, bare)
                self.assertEqual(loop.card_ids[1].state, 'ordered')
                self.assertEqual((loop.urgency, loop.urgency_rank), ('amber', 1))
                self.assertLessEqual(extra, 4)

    def test_a_scan_finds_only_the_cards_the_record_rules_show_the_scanner(self):
        """The card is looked up with the SQL of the caller's own search: a
        team rule through the card's loop (a join) hides the other line's
        cards from the scan, which answers "unknown" and changes nothing."""
        ours = self.make_loop('transfer')
        theirs = self.make_loop('transfer', location_id=self.env['stock.location'].create({
            'name': 'Other line', 'is_supermarket': True,
            'location_id': self.supermarket.location_id.id}).id)
        scanner = self.operator_user('line-one-scanner')
        team = self.env['res.groups'].create({'name': 'Line one', 'users': [(4, scanner.id)]})
        self.env['ir.rule'].create({
            'name': 'line one cards', 'groups': [(4, team.id)],
            'model_id': self.env['ir.model']._get('jit.kanban.card').id,
            'domain_force': "[('loop_id.location_id', '=', %d)]" % ours.location_id.id})
        Card = self.env['jit.kanban.card'].sudo(scanner)
        hidden = Card.signal_barcode(theirs.card_ids[0].barcode)
        self.assertEqual((hidden['result'], hidden['reason']), ('rejected', 'unknown_barcode'))
        self.assertEqual(theirs.card_ids[0].state, 'full')
        self.assertFalse(hidden['product_name'])
        seen = Card.signal_barcode(ours.card_ids[0].barcode)
        self.assertEqual(seen['result'], 'accepted')
        self.assertEqual(ours.card_ids[0].state, 'ordered')

    def test_a_client_cannot_link_cards_through_an_orders_values(self):
        """The link key is the procurement hooks' alone: an MO created over
        RPC with card ids under it leaves the cards as they were."""
        loop = self.make_loop('manufacture')
        card = loop.card_ids[0]
        production = self.env['mrp.production'].create({
            'product_id': loop.product_id.id, 'product_qty': 1,
            'product_uom_id': loop.product_id.uom_id.id, 'bom_id': loop.bom_id.id,
            'jit_kanban_link': {'jit_kanban_cards': [card.id], 'jit_kanban_documents': []}})
        production.write({'jit_kanban_link': {'jit_kanban_cards': card.ids}})
        self.assertEqual((card.state, card.production_id), ('full', self.env['mrp.production']))

    def test_an_operators_scan_is_theirs_on_the_card_and_in_its_history(self):
        """The order is made as the system; the card, its events and the
        board still say who scanned, whether the order was made or not."""
        operator = self.operator_user('line-two-scanner')
        no_price = self.env['res.partner'].create({'name': 'No price yet', 'supplier': True})
        loops = [self.make_loop(method) for method in ('manufacture', 'buy', 'transfer')]
        loops.append(self.make_loop('buy', vendor_id=no_price.id, product_id=self.make_product(
            'Unpriced Part', vendors=[(self.vendor_a, 1.0)]).id))
        for loop in loops:
            card = loop.card_ids.sorted('sequence')[0]
            answer = self.env['jit.kanban.card'].sudo(operator).signal_barcode(card.barcode)
            card.invalidate_cache()
            loop.invalidate_cache()
            ordered = loop.vendor_id != no_price
            self.assertEqual((answer['result'], card.state),
                             ('accepted', 'ordered' if ordered else 'empty'), loop.name)
            self.assertEqual(card.signalled_by, operator, loop.name)
            history = self.events(card).sorted('id')
            self.assertEqual([e.event_type for e in history],
                             ['signal', 'order' if ordered else 'error'], loop.name)
            self.assertEqual(history[0].user_id, operator)
            if ordered:
                self.assertEqual(history[1].user_id, operator)
            self.assertEqual(answer['event_id'], history[0].id)
            self.assertEqual((loop.full_count, loop.empty_count, loop.ordered_count),
                             (len(loop.card_ids) - 1, 0 if ordered else 1, 1 if ordered else 0),
                             loop.name)
            if ordered:
                self.assertEqual(history[1].order_name, answer['order_name'])

    def test_a_failed_order_is_flagged_and_retried(self):
        loop = self.make_loop('buy', vendor_id=self.env['res.partner'].create(
            {'name': 'No price', 'supplier': True}).id)
        card = loop.card_ids[0]
        answer = self.scan(card)
        self.assertEqual((answer['result'], card.state), ('accepted', 'empty'))
        self.assertEqual(card.signalled_by, self.env.user)
        self.assertTrue(card.signalled_at)
        error = self.env['jit.kanban.event'].search([('card_id', '=', card.id),
                                                     ('event_type', '=', 'error')])
        self.assertEqual((error.from_state, error.to_state), ('empty', 'empty'))
        self.assertTrue(card.order_failed)
        self.assertIn('no price list entry', card.waiting_reason)
        self.assertFalse(card.waiting_reason.startswith('!'))
        self.assertIn('no price list entry', answer['message'])
        loop.vendor_id = self.vendor_a
        self.env['jit.kanban.loop']._cron_replenish()
        self.assertEqual(card.state, 'ordered')
        self.assertFalse(card.order_failed)


class TestManagerActions(KanbanCase):

    @classmethod
    def setUpClass(cls):
        super(TestManagerActions, cls).setUpClass()
        cls.operator = cls.env['res.users'].with_context(no_reset_password=True).create({
            'name': 'Operator', 'login': 'kanban-operator-service',
            'groups_id': [(6, 0, [cls.env.ref('jit_kanban.group_jit_kanban_operator').id])]})

    def _queries(self, cards, state, reason):
        """Statements one correction costs, from cold caches."""
        return statements(self.env, lambda: cards.action_correct(state, reason))

    def test_correcting_many_cards_costs_what_correcting_a_few_does(self):
        few = self.make_loop('transfer', card_count=3).card_ids
        many = self.make_loop('transfer', card_count=15,
                              product_id=self.make_product('Many').id).card_ids
        self.assertEqual(self._queries(few, 'blocked', 'audit'),
                         self._queries(many, 'blocked', 'audit'))
        self.assertEqual(set(many.mapped('state')), {'blocked'})
        self.assertEqual(len(many.mapped('event_ids').filtered(
            lambda e: e.event_type == 'correct' and e.reason == 'audit')), 15)
        self.assertEqual(many[0].loop_id.blocked_count, 15)

    def test_an_operator_cannot_replenish_lock_or_print(self):
        loop = self.make_loop('transfer', trigger_policy='scheduled')
        self.scan(loop.card_ids[0])
        for action in (lambda l: l.action_replenish(), lambda l: l.action_lock('x'),
                       lambda l: l.action_apply_sizing(), lambda l: l.action_activate()):
            with self.assertRaises(AccessError):
                action(loop.sudo(self.operator))
        with self.assertRaises(AccessError):
            self.env.ref('jit_kanban.jit_kanban_card_report_a6').sudo(self.operator).render_qweb_html(
                loop.card_ids.ids)
        self.assertEqual((loop.state, loop.card_ids[0].state), ('active', 'empty'))
        self.assertEqual(set(loop.card_ids.mapped('print_count')), {0})

    def test_a_card_of_an_archived_loop_is_refused(self):
        loop = self.make_loop('transfer')
        loop.active = False
        answer = self.scan(loop.card_ids[0])
        self.assertEqual((answer['result'], answer['reason']), ('rejected', 'loop_archived'))
        self.assertEqual(loop.card_ids[0].state, 'full')

    def test_an_operator_opens_a_loop_without_an_access_error(self):
        loop = self.make_loop('buy')
        self.scan(loop.card_ids[0])
        as_operator = loop.sudo(self.operator)
        view = as_operator.fields_view_get(view_type='form')
        values = as_operator.read([name for name in view['fields']])[0]
        self.assertEqual(values['open_order_count'], 1)
        self.assertFalse(values['can_open_orders'], 'operators have no purchase rights here')
        self.assertTrue(loop.can_open_orders)
        card = loop.card_ids[0].sudo(self.operator)
        card.read([name for name in card.fields_view_get(view_type='form')['fields']])
