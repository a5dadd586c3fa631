"""Roles (operator / manager) and company isolation."""
from odoo.exceptions import AccessError

from kanban_factory import KanbanCase


class TestRoles(KanbanCase):

    @classmethod
    def setUpClass(cls):
        super(TestRoles, cls).setUpClass()
        Users = cls.env['res.users'].with_context(no_reset_password=True)
        cls.operator = Users.create({
            'name': 'Operator', 'login': 'kanban-operator-test',
            'groups_id': [(6, 0, [cls.env.ref('jit_kanban.group_jit_kanban_operator').id])]})
        cls.manager = Users.create({
            'name': 'Manager', 'login': 'kanban-manager-test',
            'groups_id': [(6, 0, [cls.env.ref('jit_kanban.group_jit_kanban_manager').id])]})

    def test_operator_signals_and_the_order_is_made_for_them(self):
        loop = self.make_loop()
        card = loop.card_ids[0]
        answer = self.env['jit.kanban.card'].sudo(self.operator).signal_barcode(card.barcode)
        self.assertEqual(answer['result'], 'accepted')
        self.assertEqual(answer['order_model'], 'mrp.production')
        self.assertEqual(card.state, 'ordered')
        signal = self.events(card, 'signal')
        self.assertEqual(signal.user_id, self.operator)
        self.assertEqual(card.sudo(self.operator).action_signal()['result'], 'already_signalled')

    def test_operator_cannot_edit_a_loop_or_a_card(self):
        loop = self.make_loop()
        with self.assertRaises(AccessError):
            loop.sudo(self.operator).write({'container_qty': 99})
        with self.assertRaises(AccessError):
            loop.card_ids[0].sudo(self.operator).write({'state': 'empty'})
        with self.assertRaises(AccessError):
            self.env['jit.kanban.loop'].sudo(self.operator).create({
                'product_id': self.moved.id, 'location_id': self.supermarket.id,
                'replenish_method': 'transfer', 'source_location_id': self.reserve.id})
        with self.assertRaises(AccessError):
            loop.card_ids[0].sudo(self.operator).action_block('no')
        self.assertEqual(loop.container_qty, 10)

    def test_manager_configures_loops_and_corrects_cards_with_a_reason(self):
        loop = self.make_loop()
        loop.sudo(self.manager).write({'container_qty': 20})
        self.assertEqual(loop.container_qty, 20)
        card = loop.card_ids[0]
        with self.assertRaises(Exception):
            card.sudo(self.manager).action_correct('empty', '')
        card.sudo(self.manager).action_correct('empty', 'found empty at stock count')
        self.assertEqual(card.state, 'ordered', 'an empty card is replenished at once')
        correction = self.events(card, 'correct')
        self.assertEqual(correction.reason, 'found empty at stock count')
        self.assertEqual(correction.user_id, self.manager)

    def test_events_are_read_only(self):
        loop = self.make_loop()
        self.scan(loop.card_ids[0])
        event = self.events(loop.card_ids[0])[:1]
        with self.assertRaises(AccessError):
            event.sudo(self.manager).write({'reason': 'rewritten'})
        with self.assertRaises(AccessError):
            event.sudo(self.manager).unlink()

    def test_manager_locks_a_loop_and_blocks_a_card_with_a_reason_from_the_form(self):
        loop = self.make_loop()
        Change = self.env['jit.kanban.state.change'].sudo(self.manager)
        Change.with_context(active_model='jit.kanban.loop', active_ids=loop.ids).create(
            {'reason': 'changeover'}).action_apply()
        self.assertEqual((loop.state, loop.lock_reason), ('locked', 'changeover'))
        card = loop.card_ids[1]
        Change.with_context(active_model='jit.kanban.card', active_ids=card.ids,
                            default_action='block').create({'reason': 'card torn'}).action_apply()
        self.assertEqual(card.state, 'blocked')
        self.assertEqual(self.events(card, 'block').reason, 'card torn')
        with self.assertRaises(AccessError):
            self.env['jit.kanban.state.change'].sudo(self.operator).with_context(
                active_model='jit.kanban.card', active_ids=card.ids).create(
                {'reason': 'x', 'state': 'full'}).action_apply()


class TestCompanyIsolation(KanbanCase):

    @classmethod
    def setUpClass(cls):
        super(TestCompanyIsolation, cls).setUpClass()
        cls.company_b, cls.warehouse_b, cls.supermarket_b = cls.second_plant('Plant B')
        cls.user_a = cls.operator_user('kanban-a')
        cls.user_b = cls.operator_user('kanban-b', cls.company_b)

    def test_a_user_never_sees_or_signals_another_companys_cards(self):
        loop_a = self.make_loop()
        product_b = self.make_product('B part')
        product_b.company_id = self.company_b
        loop_b = self.env['jit.kanban.loop'].create({
            'product_id': product_b.id, 'location_id': self.supermarket_b.id,
            'replenish_method': 'transfer', 'company_id': self.company_b.id,
            'source_location_id': self.warehouse_b.lot_stock_id.id, 'card_count': 2})
        loop_b.action_activate()
        Loop, Card = self.env['jit.kanban.loop'], self.env['jit.kanban.card']
        self.assertIn(loop_a, Loop.sudo(self.user_a).search([]))
        self.assertNotIn(loop_b, Loop.sudo(self.user_a).search([]))
        self.assertNotIn(loop_b.card_ids[0], Card.sudo(self.user_a).search([]))
        self.assertNotIn(loop_a, Loop.sudo(self.user_b).search([]))
        self.assertIn(loop_b, Loop.sudo(self.user_b).search([]))

        answer = Card.sudo(self.user_a).signal_barcode(loop_b.card_ids[0].barcode)
        self.assertEqual(answer['result'], 'rejected')
        self.assertEqual(loop_b.card_ids[0].state, 'full')
        with self.assertRaises(AccessError):
            loop_b.card_ids[0].sudo(self.user_a).action_signal()
        self.assertEqual(loop_b.card_ids[0].state, 'full')
        self.assertEqual(Card.sudo(self.user_b).signal_barcode(loop_b.card_ids[0].barcode)['result'],
                         'accepted')
        self.assertNotIn(loop_b.card_ids[0].event_ids[:1],
                         self.env['jit.kanban.event'].sudo(self.user_a).search([]))

