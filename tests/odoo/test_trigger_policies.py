"""Batch, scheduled window, WIP cap, cancel, lock, double signals."""
from datetime import timedelta
from unittest import mock

from odoo import fields

from kanban_factory import KanbanCase


class TestTriggerPolicies(KanbanCase):

    def productions(self, loop):
        return self.env['mrp.production'].search([('jit_kanban_loop_id', '=', loop.id)])

    def test_batch_orders_once_n_cards_are_empty(self):
        loop = self.make_loop(trigger_policy='batch', batch_size=3, card_count=4, container_qty=5)
        cards = loop.card_ids
        self.scan(cards[0])
        self.scan(cards[1])
        self.assertFalse(self.productions(loop))
        self.assertEqual(cards[1].waiting_reason, 'batch: 2 of 3 cards')
        self.scan(cards[2])
        production = self.productions(loop)
        self.assertEqual(len(production), 1)
        self.assertEqual(production.product_qty, 15)
        self.assertEqual(cards[:3].mapped('production_id'), production)
        self.assertEqual(cards[3].state, 'full')

    def test_scheduled_window_orders_all_waiting_cards_once_per_window(self):
        loop = self.make_loop(trigger_policy='scheduled', schedule_minutes=30, container_qty=4)
        self.scan(loop.card_ids[0])
        self.scan(loop.card_ids[1])
        self.assertFalse(self.productions(loop))
        self.env['jit.kanban.loop']._cron_replenish()
        production = self.productions(loop)
        self.assertEqual(len(production), 1)
        self.assertEqual(production.product_qty, 8)
        self.assertGreater(loop.next_window, fields.Datetime.now())
        # a signal inside the window waits for the next one
        self.scan(loop.card_ids[2])
        self.env['jit.kanban.loop']._cron_replenish()
        self.assertEqual(len(self.productions(loop)), 1)
        self.assertEqual(loop.card_ids[2].state, 'empty')
        loop.next_window = fields.Datetime.to_string(
            fields.Datetime.from_string(fields.Datetime.now()) - timedelta(minutes=1))
        self.env['jit.kanban.loop']._cron_replenish()
        self.assertEqual(len(self.productions(loop)), 2)
        self.assertEqual(loop.card_ids[2].state, 'ordered')

    def test_wip_cap_holds_signals_until_an_order_completes(self):
        loop = self.make_loop(wip_cap=1, container_qty=6)
        first, second = loop.card_ids[:2]
        self.scan(first)
        answer = self.scan(second)
        self.assertEqual(answer['result'], 'accepted')
        self.assertEqual(len(self.productions(loop)), 1)
        self.assertEqual(second.state, 'empty')
        self.assertEqual(second.waiting_reason, 'WIP cap: 1 of 1 orders open')
        self.assertIn('WIP cap', answer['message'])
        self.produce(first.production_id)
        self.finish(first.production_id)
        self.assertEqual(first.state, 'full')
        self.assertEqual(second.state, 'ordered', 'the waiting card is ordered when room frees up')
        self.assertEqual(len(self.productions(loop)), 2)

    def test_cancelled_mo_returns_its_cards_to_empty_and_the_cron_reorders(self):
        loop = self.make_loop()
        card = loop.card_ids[0]
        self.scan(card)
        production = card.production_id
        production.action_cancel()
        self.assertEqual(card.state, 'empty')
        self.assertFalse(card.production_id)
        self.assertIn(production.name, card.waiting_reason)
        self.assertEqual(len(self.events(card, 'cancel')), 1)
        self.env['jit.kanban.loop']._cron_replenish()
        self.assertEqual(card.state, 'ordered')
        self.assertNotEqual(card.production_id, production)

    def test_cancelled_purchase_order_returns_its_cards_to_empty(self):
        loop = self.make_loop('buy')
        card = loop.card_ids[0]
        self.scan(card)
        card.purchase_id.button_cancel()
        self.assertEqual(card.state, 'empty')

    def test_cancelled_transfer_returns_its_cards_to_empty(self):
        loop = self.make_loop('transfer')
        card = loop.card_ids[0]
        self.scan(card)
        card._order_document().action_cancel()
        self.assertEqual(card.state, 'empty')

    def test_locked_loop_rejects_signals_with_the_reason(self):
        loop = self.make_loop()
        loop.action_lock('line stopped for changeover')
        card = loop.card_ids[0]
        answer = self.scan(card)
        self.assertEqual(answer['result'], 'rejected')
        self.assertIn('line stopped for changeover', answer['message'])
        self.assertEqual(card.state, 'full')
        self.assertFalse(self.productions(loop))
        reject = self.events(card, 'reject')
        self.assertEqual(len(reject), 1)
        self.assertIn('locked', reject.reason)

    def test_second_scan_of_a_card_says_so_and_creates_nothing(self):
        loop = self.make_loop()
        card = loop.card_ids[0]
        first = self.scan(card)
        again = self.scan(card)
        self.assertEqual(again['result'], 'already_signalled')
        self.assertEqual(again['order_id'], first['order_id'])
        self.assertEqual(len(self.productions(loop)), 1)
        self.assertEqual(card.action_signal()['result'], 'already_signalled')

    def test_unknown_barcode_is_rejected_and_recorded(self):
        answer = self.env['jit.kanban.card'].signal_barcode('NO-SUCH-CARD')
        self.assertEqual(answer['result'], 'rejected')
        self.assertEqual(answer['message'], 'Unknown card barcode "NO-SUCH-CARD"')
        event = self.env['jit.kanban.event'].browse(answer['event_id'])
        self.assertEqual((event.barcode, event.event_type), ('NO-SUCH-CARD', 'reject'))

    def test_station_bound_to_another_supermarket_refuses_the_card(self):
        loop = self.make_loop()
        elsewhere = self.env['stock.location'].create({
            'name': 'Other Supermarket', 'location_id': self.warehouse.lot_stock_id.id,
            'is_supermarket': True})
        answer = self.scan(loop.card_ids[0], station_location_id=elsewhere.id)
        self.assertEqual(answer['result'], 'rejected')
        self.assertIn('another supermarket', answer['message'])
        self.assertEqual(self.scan(loop.card_ids[0], station_location_id=self.supermarket.id)['result'],
                         'accepted')

    def test_draft_loop_and_blocked_card_reject(self):
        draft = self.make_loop(activate=False)
        self.assertFalse(draft.card_ids)
        loop = self.make_loop('transfer')
        card = loop.card_ids[0]
        card.action_block('card torn')
        self.assertEqual(self.scan(card)['result'], 'rejected')
        card.action_unblock()
        self.assertEqual(self.scan(card)['result'], 'accepted')


class TestLoopConfiguration(KanbanCase):

    def test_changing_the_number_of_cards_adds_or_retires_cards(self):
        loop = self.make_loop(card_count=3)
        barcodes = loop.card_ids.mapped('barcode')
        self.assertEqual(len(set(barcodes)), 3)
        loop.card_count = 5
        self.assertEqual(len(loop.card_ids), 5)
        self.assertEqual(loop.card_ids.mapped('sequence'), [1, 2, 3, 4, 5])
        loop.card_count = 2
        self.assertEqual(loop.card_ids.mapped('sequence'), [1, 2])

    def test_cards_in_circulation_cannot_be_retired(self):
        loop = self.make_loop(card_count=2)
        self.scan(loop.card_ids[0])
        with self.assertRaises(Exception):
            loop.card_count = 0

    def test_transfer_loop_needs_a_source(self):
        with self.assertRaises(Exception):
            self.make_loop('transfer', source_location_id=False)

    def test_loop_needs_a_supermarket(self):
        with self.assertRaises(Exception):
            self.make_loop(location_id=self.reserve.id)

    def test_undo_within_the_window_cancels_the_order_and_refills_the_card(self):
        loop = self.make_loop()
        card = loop.card_ids[0]
        answer = self.scan(card)
        production = card.production_id
        undone = self.env['jit.kanban.card'].undo_signal(answer['event_id'])
        self.assertEqual((undone['result'], undone['withdrawn']), ('accepted', 'order'))
        self.assertEqual(card.state, 'full')
        self.assertEqual(production.state, 'cancel')
        self.assertEqual(len(self.events(card, 'undo')), 1)
        # the same signal cannot be undone twice
        self.assertEqual(self.env['jit.kanban.card'].undo_signal(answer['event_id'])['result'], 'rejected')

    def test_undo_is_refused_once_production_started(self):
        loop = self.make_loop(container_qty=10)
        card = loop.card_ids[0]
        answer = self.scan(card)
        self.produce(card.production_id, 5)
        undone = self.env['jit.kanban.card'].undo_signal(answer['event_id'])
        self.assertEqual((undone['result'], undone['reason']), ('rejected', 'order_started'))
        self.assertEqual(card.state, 'ordered')

    def test_undo_of_a_card_in_a_batch_mo_takes_its_containers_out(self):
        loop = self.make_loop(trigger_policy='batch', batch_size=2, card_count=4)
        first, second = loop.card_ids.sorted('sequence')[:2]
        self.scan(first)
        answer = self.scan(second)
        production = second.production_id
        self.assertEqual((first.production_id, production.product_qty), (production, 20.0))
        undone = self.env['jit.kanban.card'].undo_signal(answer['event_id'])
        self.assertEqual((undone['result'], undone['withdrawn']), ('accepted', 'share'), undone)
        self.assertEqual((second.state, second.production_id.id), ('full', False))
        self.assertEqual((first.state, first.production_id), ('ordered', production))
        # Odoo's change of quantity: the MO and its components for one container
        self.assertEqual((production.state, production.product_qty), ('confirmed', 10.0))
        self.assertEqual(sorted(set(production.move_raw_ids.mapped('product_uom_qty'))), [20.0])
        self.assertEqual(production.move_finished_ids.mapped('product_uom_qty'), [10.0])

    def test_undo_of_a_card_in_a_batch_transfer_takes_its_containers_out(self):
        loop = self.make_loop('transfer', trigger_policy='batch', batch_size=2, card_count=4)
        first, second = loop.card_ids.sorted('sequence')[:2]
        self.scan(first)
        answer = self.scan(second)
        group = second.transfer_group_id
        self.assertEqual(first.transfer_group_id, group)
        move = self.env['stock.move'].search([('group_id', '=', group.id)])
        move._action_assign()  # the reserve rack holds the 20 for it
        self.assertEqual((move.state, move.reserved_availability), ('assigned', 20.0))
        undone = self.env['jit.kanban.card'].undo_signal(answer['event_id'])
        self.assertEqual(undone['result'], 'accepted', undone)
        self.assertEqual((second.state, second.transfer_group_id.id), ('full', False))
        self.assertEqual((first.state, first.transfer_group_id), ('ordered', group))
        # one container left to move, and no more than that held on the reserve rack
        self.assertEqual((move.state, move.product_uom_qty), ('assigned', 10.0))
        self.assertEqual(move.reserved_availability, 10.0)

    def test_undo_of_a_card_in_a_batch_transfer_under_way_is_refused(self):
        loop = self.make_loop('transfer', trigger_policy='batch', batch_size=2, card_count=4)
        first, second = loop.card_ids.sorted('sequence')[:2]
        self.scan(first)
        answer = self.scan(second)
        move = self.env['stock.move'].search([('group_id', '=', second.transfer_group_id.id)])
        move.quantity_done = 5.0  # the operator moving it has begun
        undone = self.env['jit.kanban.card'].undo_signal(answer['event_id'])
        self.assertEqual((undone['result'], undone['reason']), ('rejected', 'order_started'))
        self.assertEqual((second.state, move.product_uom_qty), ('ordered', 20.0))

    def test_undo_of_a_card_added_to_an_open_request_for_quotation_takes_its_share_out(self):
        loop = self.make_loop('buy', card_count=3)
        first, second = loop.card_ids.sorted('sequence')[:2]
        self.scan(first)
        line = first.purchase_line_id
        price = line.price_unit
        answer = self.scan(second)
        self.assertEqual(second.purchase_line_id, line, 'Odoo added the card to the open line')
        self.assertEqual(line.product_qty, 20.0)
        undone = self.env['jit.kanban.card'].undo_signal(answer['event_id'])
        self.assertEqual(undone['result'], 'accepted', undone)
        self.assertEqual((second.state, second.purchase_line_id.id), ('full', False))
        # the other card keeps its containers on the request, priced for them
        self.assertEqual((first.state, first.purchase_line_id), ('ordered', line))
        self.assertEqual((line.product_qty, line.price_unit), (10.0, price))
        self.assertEqual(line.order_id.state, 'draft')
        self.assertEqual(loop.ordered_count, 1)

    def test_undo_of_a_card_on_a_confirmed_purchase_order_is_refused_as_started(self):
        loop = self.make_loop('buy', card_count=3)
        first, second = loop.card_ids.sorted('sequence')[:2]
        self.scan(first)
        answer = self.scan(second)
        line = second.purchase_line_id
        line.order_id.button_confirm()
        undone = self.env['jit.kanban.card'].undo_signal(answer['event_id'])
        self.assertEqual((undone['result'], undone['reason']), ('rejected', 'order_started'))
        self.assertEqual((second.state, line.product_qty), ('ordered', 20.0))


class TestBoard(KanbanCase):

    def test_board_counts_and_urgency_follow_the_cards(self):
        calm = self.make_loop('transfer', card_count=4)
        busy = self.make_loop(card_count=4, trigger_policy='batch', batch_size=4)
        self.assertEqual((busy.full_count, busy.urgency), (4, 'green'))
        for card in busy.card_ids[:3]:
            self.scan(card)
        self.assertEqual((busy.full_count, busy.empty_count, busy.urgency), (1, 3, 'red'))
        self.scan(calm.card_ids[0])
        self.scan(calm.card_ids[1])
        self.assertEqual((calm.full_count, calm.ordered_count, calm.urgency), (2, 2, 'amber'))
        board = self.env['jit.kanban.loop'].search(
            [('location_id', '=', self.supermarket.id)], order='urgency_rank, empty_count desc, name')
        self.assertEqual(board.ids, [busy.id, calm.id], 'red loops first')
        self.assertEqual(self.supermarket.kanban_full_count, 3)
        self.assertEqual(self.supermarket.kanban_health, 'amber')

    def test_grouping_the_board_leaves_no_warning_and_sorts_by_sums(self):
        self.make_loop('transfer', card_count=2)
        busy = self.make_loop(card_count=3)
        self.scan(busy.card_ids[0])
        Loop, domain = self.env['jit.kanban.loop'], [('location_id', '=', self.supermarket.id)]
        with self.assertNoLogs('odoo.models', level='WARNING'):
            groups = Loop.read_group(domain, ['replenish_method', 'empty_count'], ['replenish_method'],
                                     orderby='urgency_rank, empty_count desc, name')
        self.assertEqual(len(groups), 2)
        by_ordered = Loop.read_group(domain, ['replenish_method', 'ordered_count'], ['replenish_method'],
                                     orderby='ordered_count desc')
        self.assertEqual([g['replenish_method'] for g in by_ordered], ['manufacture', 'transfer'])

    def test_urgency_follows_cards_that_moved_while_a_scan_ran(self):
        """A scan writes the urgency its lock's counts give; a card refilled
        in the same transaction before the board moves (an order done at
        once) makes it count the cards instead."""
        loop = self.make_loop(card_count=4, trigger_policy='batch', batch_size=4)
        refill, second = loop.card_ids[:2]
        self.scan(refill)
        self.scan(second)
        self.assertEqual((loop.full_count, loop.urgency), (2, 'amber'))
        replenish = type(loop)._replenish

        def replenish_then_refill(this, *args, **kwargs):
            orders = replenish(this, *args, **kwargs)
            refill.write({'state': 'full'})  # recounts the loop: 3 full, 1 empty
            return orders

        with mock.patch.object(type(loop), '_replenish', replenish_then_refill):
            self.scan(loop.card_ids[2])  # its lock saw 2 full: red, were nothing refilled
        self.assertEqual((loop.full_count, loop.empty_count, loop.urgency, loop.urgency_rank),
                         (2, 2, 'amber', 1))
        self.assertFalse(loop.activity_ids)


class TestSizing(KanbanCase):

    def test_loop_turning_red_alerts_its_responsible_once(self):
        manager = self.env['res.users'].with_context(no_reset_password=True).create({
            'name': 'Line planner', 'login': 'kanban-planner-test',
            'groups_id': [(6, 0, [self.env.ref('jit_kanban.group_jit_kanban_manager').id])]})
        loop = self.make_loop(card_count=4, user_id=manager.id, trigger_policy='batch', batch_size=4)
        for card in loop.card_ids[:3]:
            self.scan(card)
        self.assertEqual(loop.urgency, 'red')
        self.assertEqual(len(loop.activity_ids), 1)
        self.assertEqual(loop.activity_ids.user_id, manager)
        self.assertEqual(loop.kpi_stockouts, 1)
        self.assertEqual(loop.kpi_signals, 3)
        self.scan(loop.card_ids[3])  # still red: no second alert
        self.assertEqual(len(loop.activity_ids), 1)
