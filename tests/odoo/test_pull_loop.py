"""Signal -> one order -> completion -> card full, for make, buy and transfer."""
from kanban_factory import KanbanCase


class TestManufactureLoop(KanbanCase):

    def test_signal_creates_one_mo_into_the_supermarket_and_completion_refills(self):
        loop = self.make_loop('manufacture', container_qty=12)
        card = loop.card_ids[0]
        answer = self.scan(card)
        self.assertEqual(answer['result'], 'accepted')
        production = self.env['mrp.production'].search([('jit_kanban_loop_id', '=', loop.id)])
        self.assertEqual(len(production), 1)
        self.assertEqual(production.product_id, self.assembly)
        self.assertEqual(production.product_qty, 12)
        self.assertEqual(production.bom_id, self.bom)
        self.assertEqual(production.location_dest_id, self.supermarket)
        self.assertEqual(production.origin, loop.name)
        self.assertEqual(card.state, 'ordered')
        self.assertEqual(card.production_id, production)
        self.assertEqual((answer['order_model'], answer['order_id']), ('mrp.production', production.id))
        self.assertEqual(set(self.events(card).mapped('event_type')), {'signal', 'order'})

        self.produce(production)
        self.finish(production)
        self.assertEqual(production.state, 'done')
        self.assertEqual(card.state, 'full')
        self.assertEqual(self.on_hand(self.assembly), 12)
        receive = self.events(card, 'receive')
        self.assertEqual(len(receive), 1)
        self.assertEqual(receive.order_name, production.name)
        # the other cards never moved
        self.assertEqual(set((loop.card_ids - card).mapped('state')), {'full'})

    def test_partial_production_fills_whole_cards_first(self):
        loop = self.make_loop('manufacture', container_qty=10, trigger_policy='batch', batch_size=2)
        first, second = loop.card_ids[:2]
        self.scan(first)
        self.assertEqual(first.state, 'empty')
        self.scan(second)
        production = first.production_id
        self.assertTrue(production)
        self.assertEqual(production, second.production_id)
        self.assertEqual(production.product_qty, 20)
        self.produce(production, 15)
        self.assertEqual(sorted((first | second).mapped('state')), ['full', 'ordered'])
        self.assertEqual(first.state, 'full', 'the card signalled first is filled first')
        self.produce(production, 5)
        self.assertEqual((first | second).mapped('state'), ['full', 'full'])

    def test_mo_closed_short_returns_the_unfilled_card_to_empty(self):
        loop = self.make_loop('manufacture', container_qty=10, trigger_policy='batch', batch_size=2)
        cards = loop.card_ids[:2]
        for card in cards:
            self.scan(card)
        production = cards[0].production_id
        self.produce(production, 10)
        self.finish(production)
        self.assertEqual(sorted(cards.mapped('state')), ['empty', 'full'])
        waiting = cards.filtered(lambda c: c.state == 'empty')
        self.assertIn(production.name, waiting.waiting_reason)


class TestBuyLoop(KanbanCase):

    def test_signal_creates_rfq_line_from_the_vendor_received_into_supermarket(self):
        loop = self.make_loop('buy', container_qty=50, vendor_id=self.vendor_b.id)
        card = loop.card_ids[0]
        self.scan(card)
        line = card.purchase_line_id
        self.assertTrue(line)
        order = line.order_id
        self.assertEqual(order.partner_id, self.vendor_b)
        self.assertEqual(order.state, 'draft')
        self.assertEqual(line.product_id, self.bought)
        self.assertEqual(line.product_qty, 50)
        self.assertEqual(line.price_unit, 1.2)
        self.assertEqual(order.picking_type_id.default_location_dest_id, self.supermarket)
        self.assertIn(loop.name, order.origin)

        order.button_confirm()
        self.assertEqual(order.picking_ids.location_dest_id, self.supermarket)
        self.validate(order.picking_ids)
        self.assertEqual(card.state, 'full')
        self.assertEqual(self.on_hand(self.bought), 50)

    def test_vendor_defaults_to_the_products_first_vendor(self):
        loop = self.make_loop('buy')
        self.assertEqual(loop.vendor_id, self.vendor_a, 'vendor A is first, although dearer')
        self.scan(loop.card_ids[0])
        self.assertEqual(loop.card_ids[0].purchase_id.partner_id, self.vendor_a)

    def test_second_signal_merges_into_the_open_rfq_of_that_vendor(self):
        loop = self.make_loop('buy', container_qty=50)
        other = self.make_product('Other bought', vendors=[(self.vendor_a, 3.0)])
        other_loop = self.make_loop('buy', product_id=other.id, container_qty=20)
        first, second = loop.card_ids[:2]
        self.scan(first)
        self.scan(second)
        self.scan(other_loop.card_ids[0])
        order = first.purchase_line_id.order_id
        self.assertEqual(second.purchase_line_id.order_id, order)
        self.assertEqual(other_loop.card_ids[0].purchase_line_id.order_id, order)
        self.assertEqual(first.purchase_line_id, second.purchase_line_id)
        self.assertEqual(first.purchase_line_id.product_qty, 100)
        self.assertEqual(len(order.order_line), 2)

    def test_partial_receipt_fills_whole_cards_then_the_backorder_the_rest(self):
        loop = self.make_loop('buy', container_qty=10)
        cards = loop.card_ids[:2]
        for card in cards:
            self.scan(card)
        order = cards[0].purchase_line_id.order_id
        order.button_confirm()
        self.validate(order.picking_ids, quantity=15)
        self.assertEqual(sorted(cards.mapped('state')), ['full', 'ordered'])
        backorder = order.picking_ids.filtered(lambda p: p.state not in ('done', 'cancel'))
        self.assertEqual(len(backorder), 1)
        self.validate(backorder)
        self.assertEqual(cards.mapped('state'), ['full', 'full'])
        self.assertEqual(self.on_hand(self.bought), 20)

    def test_vendor_without_price_keeps_the_signal_and_says_why(self):
        stranger = self.env['res.partner'].create({'name': 'No price vendor', 'supplier': True})
        loop = self.make_loop('buy', vendor_id=stranger.id)
        card = loop.card_ids[0]
        answer = self.scan(card)
        self.assertEqual(answer['result'], 'accepted')
        self.assertEqual(card.state, 'empty')
        self.assertIn('no price list entry', card.waiting_reason)
        self.assertEqual(len(self.events(card, 'error')), 1)
        self.assertFalse(self.env['purchase.order.line'].search([('product_id', '=', self.bought.id)]))


class TestTransferLoop(KanbanCase):

    def test_signal_creates_internal_transfer_from_source_to_supermarket(self):
        loop = self.make_loop('transfer', container_qty=25)
        card = loop.card_ids[0]
        answer = self.scan(card)
        picking = self.env['stock.picking'].search([('group_id', '=', card.transfer_group_id.id)])
        self.assertEqual(len(picking), 1)
        self.assertEqual(picking.location_id, self.reserve)
        self.assertEqual(picking.location_dest_id, self.supermarket)
        self.assertEqual(picking.picking_type_id.code, 'internal')
        self.assertEqual(picking.move_lines.product_uom_qty, 25)
        self.assertEqual((answer['order_model'], answer['order_id']), ('stock.picking', picking.id))
        self.validate(picking)
        self.assertEqual(card.state, 'full')
        self.assertEqual(self.on_hand(self.moved), 25)
        self.assertEqual(self.on_hand(self.moved, self.reserve), 975)

    def test_each_transfer_is_its_own_picking(self):
        loop = self.make_loop('transfer')
        first, second = loop.card_ids[:2]
        self.scan(first)
        self.scan(second)
        self.assertNotEqual(first._order_document(), second._order_document())


class TestOpenOrders(KanbanCase):

    def test_loop_lists_its_open_orders_until_they_are_done(self):
        loop = self.make_loop('transfer')
        self.scan(loop.card_ids[0])
        self.scan(loop.card_ids[1])
        self.assertEqual(loop.open_order_count, 2)
        action = loop.action_open_orders()
        pickings = self.env[action['res_model']].search(action['domain'])
        self.assertEqual(len(pickings), 2)
        self.validate(pickings[0])
        loop.invalidate_cache()
        self.assertEqual(loop.open_order_count, 1)

    def test_transfer_shows_the_cards_it_refills(self):
        loop = self.make_loop('transfer')
        card = loop.card_ids[0]
        self.scan(card)
        picking = card._order_document()
        self.assertEqual(picking.jit_kanban_loop_id, loop)
        self.assertEqual(picking.jit_kanban_card_ids, card)
