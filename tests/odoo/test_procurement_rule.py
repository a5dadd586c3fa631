"""A scan reads its loop's procurement rule with the loop's lock instead of
Odoo's rule search: the order must still follow the rule Odoo would pick."""
import importlib.util
import os

from odoo.addons.jit_kanban.models import kanban_sql

from kanban_factory import KanbanCase


class TestLoopRule(KanbanCase):

    @classmethod
    def setUpClass(cls):
        super(TestLoopRule, cls).setUpClass()
        cls.other_reserve = cls.env['stock.location'].create({
            'name': 'Other Reserve', 'location_id': cls.warehouse.lot_stock_id.id,
            'usage': 'internal'})
        cls.put_stock(cls.moved, cls.other_reserve, 500)

    def odoo_rule(self, loop):
        """The rule Odoo's own search picks for the loop's order."""
        values = {'route_ids': loop.route_id, 'warehouse_id': loop.warehouse_id,
                  'company_id': loop.company_id}
        return self.env['procurement.group']._get_rule(loop.product_id, loop.location_id, values)

    def read_rule(self, loop):
        rule_id = kanban_sql.loop_rules(self.env.cr, loop.ids)[loop.id]
        return self.env['procurement.rule'].browse(rule_id)

    def add_rule(self, loop, location, sequence, **values):
        own = loop.route_id.pull_ids[:1]
        return own.copy(dict({'name': 'Planner rule', 'route_id': loop.route_id.id,
                              'location_id': location.id, 'location_src_id': self.other_reserve.id,
                              'sequence': sequence}, **values))

    def picking_source(self, card):
        return self.env['stock.picking'].search([('group_id', '=', card.transfer_group_id.id)]).location_id

    def test_the_rule_read_with_the_lock_is_the_one_odoo_picks(self):
        loop = self.make_loop('transfer')
        own = loop.route_id.pull_ids
        self.assertEqual(self.read_rule(loop), own)
        self.assertEqual(self.odoo_rule(loop), own)

        ahead = self.add_rule(loop, self.supermarket, sequence=own.sequence - 1)
        self.assertEqual(self.odoo_rule(loop), ahead)
        self.assertEqual(self.read_rule(loop), ahead)

        ahead.warehouse_id = self.env['stock.warehouse'].create({'name': 'Far', 'code': 'FAR'})
        self.assertEqual(self.odoo_rule(loop), own, 'a rule of another warehouse is not Odoo\'s')
        self.assertEqual(self.read_rule(loop), own)

        # none left at the supermarket: Odoo searches on (other routes,
        # the supermarket's parents), and so does the scan
        (own | ahead).write({'active': False})
        self.assertFalse(self.read_rule(loop))

    def test_a_rule_put_ahead_of_the_loops_own_is_followed_by_the_scan(self):
        loop = self.make_loop('transfer')
        self.add_rule(loop, self.supermarket, sequence=loop.route_id.pull_ids.sequence - 1)
        card = loop.card_ids[0]
        self.assertEqual(self.scan(card)['result'], 'accepted')
        self.assertEqual(self.picking_source(card), self.other_reserve)

    def test_a_loop_without_warehouse_leaves_the_rule_to_odoos_search(self):
        loop = self.make_loop('transfer')
        loop.warehouse_id = False
        self.assertFalse(self.read_rule(loop))
        card = loop.card_ids[0]
        self.assertEqual(self.scan(card)['result'], 'accepted')
        self.assertEqual(card.state, 'ordered')
        self.assertEqual(self.picking_source(card), self.reserve)

    def test_the_scheduled_run_follows_the_same_rule(self):
        loop = self.make_loop('transfer', trigger_policy='scheduled', schedule_minutes=30)
        self.add_rule(loop, self.supermarket, sequence=loop.route_id.pull_ids.sequence - 1)
        card = loop.card_ids[0]
        self.scan(card)
        self.assertEqual(card.state, 'empty')
        self.env['jit.kanban.loop']._cron_replenish()
        self.assertEqual(card.state, 'ordered')
        self.assertEqual(self.picking_source(card), self.other_reserve)

    def test_an_archived_loop_takes_its_route_and_rule_with_it(self):
        """Nothing else uses a loop's route; left active, its rule would
        stay among those every rule search of Odoo's reads."""
        loop = self.make_loop('buy')
        route, rule = loop.route_id, loop.route_id.pull_ids
        loop.active = False
        self.assertFalse(route.active)
        self.assertFalse(rule.active)
        self.assertFalse(self.env['procurement.rule'].search([('route_id', '=', route.id)]))
        loop.active = True
        self.assertTrue(route.active and rule.active)
        card = loop.card_ids.sorted('sequence')[0]
        self.assertEqual((self.scan(card)['result'], card.state), ('accepted', 'ordered'))
        self.assertEqual(card.purchase_line_id.order_id.picking_type_id, rule.picking_type_id)

    def test_updating_an_older_install_archives_the_routes_its_archived_loops_left(self):
        loop, kept = self.make_loop('buy'), self.make_loop('transfer')
        loop.active = False
        # as an install older than 11.0.1.1.0 left it
        self.env.cr.execute('UPDATE procurement_rule SET active = true WHERE route_id = %s; '
                            'UPDATE stock_location_route SET active = true WHERE id = %s',
                            (loop.route_id.id, loop.route_id.id))
        path = os.path.join(os.path.dirname(kanban_sql.__file__), os.pardir, 'migrations',
                            '11.0.1.1.0', 'post-migrate.py')
        spec = importlib.util.spec_from_file_location('jit_kanban_post_migrate', path)
        migration = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(migration)
        migration.migrate(self.env.cr, '11.0.1.0.0')
        self.env.clear()
        routes = (loop | kept).mapped('route_id').with_context(active_test=False)
        self.assertEqual([(r.active, r.pull_ids.with_context(active_test=False).mapped('active'))
                          for r in routes], [(False, [False]), (True, [True])])
