"""Sizing from a year of real consumption, textbook numbers, one query."""
from odoo import fields
from odoo.exceptions import AccessError, UserError

from kanban_factory import KanbanCase
from planning_history import insert_consumption, working_days

YEAR = 364


class TestPlanningSizing(KanbanCase):

    @classmethod
    def setUpClass(cls):
        super(TestPlanningSizing, cls).setUpClass()
        cls.today = fields.Date.from_string(fields.Date.context_today(cls.env['jit.kanban.loop']))
        cls.line = cls.env.ref('stock.stock_location_customers')
        cls.loop = cls.env['jit.kanban.loop'].create({
            'product_id': cls.moved.id, 'location_id': cls.supermarket.id,
            'replenish_method': 'transfer', 'source_location_id': cls.reserve.id,
            'container_qty': 5.0, 'card_count': 3, 'lead_time_days': 4.0,
            'demand_days': YEAR, 'safety_factor': 0.1})
        # a year of working days alternating 8 and 12: average 10, deviation 2
        cls.days = working_days(cls.env, YEAR, cls.today)
        insert_consumption(cls.env, cls.loop, {day: (8.0, 12.0)[index % 2]
                                               for index, day in enumerate(cls.days)}, cls.line)

    def sized(self, **values):
        self.loop.write(values)
        self.loop.invalidate_cache()
        return self.loop

    def test_demand_and_deviation_over_working_days(self):
        loop = self.sized()
        self.assertGreater(len(self.days), 250)
        self.assertAlmostEqual(loop.daily_demand, 10.0, delta=0.02)
        self.assertAlmostEqual(loop.demand_std, 2.0, delta=0.02)

    def test_fixed_factor_gives_the_textbook_card_count(self):
        # 10 a day x 4 days x 1.1 / 5 = 8.8 -> 9 cards
        self.assertEqual(self.sized(safety_method='factor').suggested_card_count, 9)

    def test_service_level_gives_the_textbook_card_count(self):
        # SS = 1.65 x 2 x sqrt(4) = 6.6; (40 + 6.6) / 5 = 9.3 -> 10 cards
        loop = self.sized(safety_method='service_level', service_level=0.95)
        self.assertEqual(loop.suggested_card_count, 10)
        # the inverse: with its 3 cards the loop needs containers of ceil(46.6 / 3) = 16
        self.assertEqual(loop.suggested_container_qty, 16)

    def test_quiet_working_days_count_as_zero_demand(self):
        # only the last 14 days: the week-end and holidays aside, a day without
        # consumption lowers the average
        loop = self.sized(demand_days=14)
        days = working_days(self.env, 14, self.today)
        used = sum((8.0, 12.0)[self.days.index(day) % 2] for day in days)
        self.assertAlmostEqual(loop.daily_demand, used / len(days), places=2)
        self.env['stock.move'].search([('product_id', '=', self.moved.id),
                                       ('date', '>=', fields.Date.to_string(days[-1]))]).write(
            {'state': 'cancel'})
        loop.invalidate_cache()
        self.assertAlmostEqual(loop.daily_demand, (used - (8.0, 12.0)[
            self.days.index(days[-1]) % 2]) / len(days), places=2)

    def test_measured_lead_time_from_receipts(self):
        for _n in range(3):
            self.env['jit.kanban.event'].sudo().create({
                'event_type': 'receive', 'origin': 'auto', 'loop_id': self.loop.id,
                'company_id': self.loop.company_id.id, 'lead_time_hours': 48.0})
        loop = self.sized(lead_time_source='measured', safety_method='factor')
        self.assertAlmostEqual(loop.sizing_lead_time_days, 2.0)
        # 10 x 2 x 1.1 / 5 = 4.4 -> 5
        self.assertEqual(loop.suggested_card_count, 5)

    def test_sizing_all_loops_is_one_demand_query(self):
        Loop = self.env['jit.kanban.loop']
        others = Loop.create({'product_id': self.bought.id, 'location_id': self.supermarket.id,
                              'replenish_method': 'buy'})
        others |= Loop.create({'product_id': self.assembly.id, 'location_id': self.supermarket.id,
                               'bom_id': self.bom.id})

        def queries(loops):
            loops.invalidate_cache()
            self.env['product.product'].invalidate_cache()
            before = self.cr.sql_log_count
            loops.mapped('suggested_card_count')
            return self.cr.sql_log_count - before

        queries(self.loop | others)     # warm the caches that are not per loop
        self.assertEqual(queries(self.loop), queries(self.loop | others))

    def test_simulation_is_for_managers(self):
        clerk = self.env['res.users'].with_context(no_reset_password=True).create({
            'name': 'Line clerk', 'login': 'kanban-clerk-sizing',
            'groups_id': [(6, 0, [self.env.ref('jit_kanban.group_jit_kanban_operator').id])]})
        with self.assertRaises(AccessError):
            self.loop.sudo(clerk).simulate(card_count=2)
        with self.assertRaises(UserError):
            self.loop.simulate(card_count=-1)
        with self.assertRaises(UserError):
            self.loop.simulate(demand=['a lot'])

    def test_simulation_replays_the_history(self):
        # 3 containers of 5 against 10 a day, 4 days away: it runs dry
        tight = self.loop.simulate(days=28)
        roomy = self.loop.simulate(card_count=10, days=28)
        self.assertEqual(len(tight['daily']), len(working_days(self.env, 28, self.today)))
        self.assertGreater(tight['stockout_days'], roomy['stockout_days'])
        self.assertEqual(roomy['stockout_days'], 0)
        self.assertEqual(tight['daily'][0]['date'], working_days(self.env, 28, self.today)[0].isoformat())

    def test_simulation_of_a_known_series_matches_the_hand_count(self):
        # 2 cards of 10, 2 days away, 15 a day: 20-15=5; 5 of 15 (short);
        # +10 of 15 (short); +10 of 15 (short) -> 3 stock-out days, on hand 5,0,0,0
        result = self.loop.simulate(card_count=2, container_qty=10, lead_time_days=2,
                                    demand=[15, 15, 15, 15])
        self.assertEqual((result['stockout_days'], result['orders_placed']), (3, 4))
        self.assertAlmostEqual(result['average_on_hand'], 1.25)
        self.assertEqual([day['on_hand'] for day in result['daily']], [5, 0, 0, 0])
        self.assertAlmostEqual(result['inventory_value'], 2 * 10 * self.moved.standard_price)
        stochastic = self.loop.simulate(card_count=2, container_qty=10, lead_time_days=2,
                                        demand=[5] * 30, lead_time_std=1.5, runs=20, seed=3)
        self.assertEqual(stochastic['stochastic'], self.loop.simulate(
            card_count=2, container_qty=10, lead_time_days=2, demand=[5] * 30, lead_time_std=1.5,
            runs=20, seed=3)['stochastic'])
        self.assertEqual(stochastic['stockout_days'], 0, 'the planned lead time never runs out')
