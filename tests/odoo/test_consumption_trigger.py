"""Consumption-triggered e-kanban: stock leaving the supermarket signals cards."""
from kanban_factory import KanbanCase


class TestConsumptionTrigger(KanbanCase):

    @classmethod
    def setUpClass(cls):
        super(TestConsumptionTrigger, cls).setUpClass()
        cls.customers = cls.env.ref('stock.stock_location_customers')
        cls.bin = cls.env['stock.location'].create({
            'name': 'Bin', 'location_id': cls.supermarket.id, 'usage': 'internal'})

        cls.storekeeper = cls.env['res.users'].with_context(no_reset_password=True).create({
            'name': 'Storekeeper', 'login': 'consumption-storekeeper', 'email': 'store@example.com',
            'groups_id': [(6, 0, [cls.env.ref('stock.group_stock_manager').id])]})

    def take(self, quantity, destination=None, user=None, source=None):
        """Someone takes ``quantity`` out of the supermarket (nobody scans)."""
        env = self.env(user=user.id) if user else self.env
        source = source or self.supermarket
        picking = env['stock.picking'].create({
            'picking_type_id': self.warehouse.out_type_id.id,
            'location_id': source.id,
            'location_dest_id': (destination or self.customers).id,
            'move_lines': [(0, 0, {
                'name': self.bought.name, 'product_id': self.bought.id, 'product_uom': self.unit.id,
                'product_uom_qty': quantity, 'location_id': source.id,
                'location_dest_id': (destination or self.customers).id})],
        })
        picking.action_confirm()
        picking.action_assign()
        for move in picking.move_lines:
            move.quantity_done = quantity
        picking.button_validate()
        return picking

    def signalled(self, loop):
        return loop.card_ids.filtered(lambda c: c.state != 'full')

    def test_three_containers_consumed_signal_exactly_three_cards(self):
        loop = self.make_loop('buy', trigger_policy='consumption', card_count=4, container_qty=10)
        self.put_stock(self.bought, self.supermarket, 40)
        self.take(7)
        self.assertFalse(self.signalled(loop), 'a started container is still on the shelf')
        # a delivery from the whole warehouse that picks in the supermarket
        self.take(13, source=self.warehouse.lot_stock_id)
        self.assertEqual(len(self.signalled(loop)), 2)
        # moving stock inside the supermarket consumes nothing
        self.take(5, destination=self.bin)
        self.assertEqual(len(self.signalled(loop)), 2)
        # a storekeeper without any kanban right validates the last pick
        self.take(10, user=self.storekeeper)
        self.assertEqual(self.on_hand(self.bought), 10)
        cards = self.signalled(loop)
        self.assertEqual(len(cards), 3)
        self.assertEqual(set(cards.mapped('state')), {'ordered'}, 'ordered at once, like a scan')
        signals = cards.mapped('event_ids').filtered(lambda e: e.event_type == 'signal')
        self.assertEqual(len(signals), 3)
        self.assertEqual(set(signals.mapped('origin')), {'auto'})
        line = self.env['purchase.order.line'].search([('jit_kanban_loop_id', '=', loop.id)])
        self.assertEqual(sum(line.mapped('product_qty')), 30)
        self.assertEqual(loop.full_count, 1)

    def test_scanned_loops_ignore_consumption(self):
        loop = self.make_loop('buy', card_count=2, container_qty=10)
        self.put_stock(self.bought, self.supermarket, 20)
        self.take(20)
        self.assertFalse(self.signalled(loop), 'an immediate loop waits for its cards to be scanned')
