"""Capacity levelling: a scheduled window releases only what the work center can do."""
from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError

from kanban_factory import KanbanCase


class TestLevelling(KanbanCase):

    @classmethod
    def setUpClass(cls):
        super(TestLevelling, cls).setUpClass()
        env = cls.env
        # works around the clock: the window's working time does not depend on the hour
        calendar = env['resource.calendar'].create({
            'name': 'Round the clock',
            'attendance_ids': [(0, 0, {'name': 'Day %d' % day, 'dayofweek': str(day),
                                       'hour_from': 0.0, 'hour_to': 24.0}) for day in range(7)]})
        cls.press = env['mrp.workcenter'].create({
            'name': 'Kanban Press', 'capacity': 1, 'resource_calendar_id': calendar.id})
        routing = env['mrp.routing'].create({
            'name': 'Press once',
            'operation_ids': [(0, 0, {'name': 'Press', 'workcenter_id': cls.press.id,
                                      'time_mode': 'manual', 'time_cycle_manual': 30.0})]})
        cls.loops = {}
        # one card empty in each; 30 minutes of press per card, 60 minutes per window
        for name, cards in (('red', 1), ('amber', 2), ('green', 3), ('green too', 4)):
            product = cls.make_product('Pressed %s' % name)
            bom = env['mrp.bom'].create({
                'product_tmpl_id': product.product_tmpl_id.id, 'product_qty': 1,
                'routing_id': routing.id,
                'bom_line_ids': [(0, 0, {'product_id': cls.components[0].id, 'product_qty': 1})]})
            loop = env['jit.kanban.loop'].create({
                'product_id': product.id, 'bom_id': bom.id, 'location_id': cls.supermarket.id,
                'replenish_method': 'manufacture', 'container_qty': 1.0, 'card_count': cards,
                'trigger_policy': 'scheduled', 'schedule_minutes': 60})
            loop.action_activate()
            cls.loops[name] = loop

    def window(self):
        """The next window comes: an hour passes (the orders released so far
        were made an hour ago), every loop is due, the cron runs."""
        self.env.cr.execute("""
            UPDATE mrp_production SET create_date = create_date - interval '61 minutes'
             WHERE jit_kanban_loop_id IN %s""", (tuple(l.id for l in self.loops.values()),))
        past = fields.Datetime.to_string(
            fields.Datetime.from_string(fields.Datetime.now()) - timedelta(minutes=1))
        for loop in self.loops.values():
            loop.next_window = past
        self.env['jit.kanban.loop']._cron_replenish()

    def ordered(self):
        return {name for name, loop in self.loops.items()
                if self.env['mrp.production'].search_count([('jit_kanban_loop_id', '=', loop.id)])}

    def waiting_for_capacity(self):
        return {name for name, loop in self.loops.items()
                if any((c.waiting_reason or '').startswith('capacity') for c in loop.card_ids)}

    def load(self, kind):
        rows = self.env['jit.kanban.capacity'].search([('workcenter_id', '=', self.press.id),
                                                       ('kind', '=', kind)])
        return rows

    def test_work_center_takes_two_orders_per_window_the_rest_go_first_next_window(self):
        for loop in self.loops.values():
            self.scan(loop.card_ids[0])
        self.window()
        self.assertEqual(self.ordered(), {'red', 'amber'}, 'the most urgent loops go first')
        self.assertEqual(self.waiting_for_capacity(), {'green', 'green too'})
        self.assertIn('Kanban Press', self.loops['green'].card_ids[0].waiting_reason)
        self.assertTrue(self.loops['green'].capacity_held_at)
        # the manager's view: two orders planned, two cards waiting, 24 h a day
        self.assertAlmostEqual(sum(self.load('kanban').mapped('load_hours')), 1.0)
        self.assertAlmostEqual(sum(self.load('waiting').mapped('load_hours')), 1.0)
        today = fields.Date.context_today(self.press)
        self.assertEqual(self.load('capacity').filtered(
            lambda r: r.date == today).available_hours, 24.0)

        # amber's last card empties: amber is red now, yet the held loops go first
        amber = self.loops['amber']
        self.scan(amber.card_ids[1])
        self.window()
        self.assertEqual(self.ordered(), {'red', 'amber', 'green', 'green too'})
        self.assertEqual(self.waiting_for_capacity(), {'amber'})
        self.assertEqual(amber.card_ids[1].state, 'empty')
        self.assertFalse(self.loops['green'].capacity_held_at)

        self.window()
        self.assertEqual(amber.card_ids[1].state, 'ordered')
        self.assertEqual(self.waiting_for_capacity(), set())
        self.assertFalse(amber.capacity_held_at)

    def test_orders_released_earlier_in_the_window_count_against_it(self):
        red, amber = self.loops['red'], self.loops['amber']
        self.scan(red.card_ids[0])
        self.window()
        self.assertEqual(self.ordered(), {'red'})
        # amber's window comes half an hour later: the press has half an hour left
        self.env.cr.execute("UPDATE mrp_production SET create_date = create_date - interval '30 minutes'"
                            " WHERE jit_kanban_loop_id = %s", (red.id,))
        self.scan(amber.card_ids[0])
        self.scan(amber.card_ids[1])
        amber.next_window = fields.Datetime.now()
        self.env['jit.kanban.loop']._cron_replenish()
        self.assertEqual(amber.card_ids.mapped('state'), ['ordered', 'empty'])
        self.assertTrue(amber.card_ids[1].waiting_reason.startswith('capacity'))
        # a manager orders it by hand: the loop no longer waits for capacity
        amber.action_replenish()
        self.assertEqual(amber.card_ids[1].state, 'ordered')
        self.window()
        self.assertFalse(amber.capacity_held_at)

    def test_load_report_is_for_planners_of_the_same_company(self):
        Users = self.env['res.users'].with_context(no_reset_password=True)
        planner = self.env.ref('mrp.group_mrp_user')
        company_b = self.env['res.company'].create({'name': 'Plant B'})
        user_a = Users.create({'name': 'Planner A', 'login': 'planner-a',
                               'groups_id': [(6, 0, [planner.id])]})
        user_b = Users.create({'name': 'Planner B', 'login': 'planner-b',
                               'groups_id': [(6, 0, [planner.id])], 'company_id': company_b.id,
                               'company_ids': [(6, 0, [company_b.id])]})
        operator = Users.create({'name': 'Operator', 'login': 'press-operator', 'groups_id': [
            (6, 0, [self.env.ref('jit_kanban.group_jit_kanban_operator').id])]})
        Load = self.env['jit.kanban.capacity']
        # what the pivot reads: available hours per work center
        rows = Load.sudo(user_a).read_group([('workcenter_id', '=', self.press.id)],
                                            ['workcenter_id', 'available_hours'], ['workcenter_id'])
        self.assertEqual(rows[0]['available_hours'], 21 * 24.0, 'a week back, two weeks ahead')
        self.assertFalse(Load.sudo(user_b).search([('workcenter_id', '=', self.press.id)]))
        with self.assertRaises(AccessError):
            Load.sudo(operator).search([])
