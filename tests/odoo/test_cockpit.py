"""The production manager's cockpit against the real database: the shortage
screen ranks loops by risk with the action to take, lead-time KPIs compare
plan and actual (and say so when nothing was received), the demo history
loads once and feeds KPIs and sizing, and card changes reach the live board."""
from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError

from data import load_demo_history
from kanban_factory import KanbanCase


class TestCockpit(KanbanCase):

    @classmethod
    def setUpClass(cls):
        super(TestCockpit, cls).setUpClass()
        cls.Shortage = cls.env['jit.kanban.shortage']

    def shortage_rows(self, loops):
        self.Shortage.invalidate_cache()  # a database view: read it afresh
        return self.Shortage.search([('loop_id', 'in', loops.ids)])

    def test_shortage_ranks_negative_stock_before_a_late_order(self):
        negative = self.make_loop('buy')
        late = self.make_loop('transfer')
        self.put_stock(self.bought, self.supermarket, -10)  # consumed beyond what was there
        self.put_stock(self.moved, self.supermarket, 30)   # the shelf holds what the cards say
        self.scan(late.card_ids[0])
        picking = self.env['stock.picking'].search([('group_id.jit_kanban_loop_id', '=', late.id)])
        self.assertTrue(picking, 'the signal made a transfer')
        picking.write({'scheduled_date': fields.Datetime.to_string(
            fields.Datetime.from_string(fields.Datetime.now()) - timedelta(days=2))})
        picking.move_lines.write({'date_expected': picking.scheduled_date})

        rows = self.shortage_rows(negative | late)
        self.assertEqual(rows.mapped('loop_id'), negative | late)
        self.assertEqual(rows[0].loop_id, negative, 'the negative supermarket comes first')
        self.assertEqual(rows[0].on_hand_qty, -10)
        self.assertEqual(rows[0].risk_level, 'high')
        self.assertIn('Count the supermarket', rows[0].action_text)
        self.assertEqual(rows[1].late_order_count, 1)
        self.assertIn('past due', rows[1].action_text)

    def test_shortage_flags_full_cards_without_stock_and_missing_components(self):
        loop = self.make_loop('manufacture')  # components sit in WH/Stock, not the supermarket
        self.scan(loop.card_ids[0])
        production = self.env['mrp.production'].search([('jit_kanban_loop_id', '=', loop.id)])
        self.assertTrue(production)
        row = self.shortage_rows(loop)
        self.assertEqual(row.claimed_qty, 20.0, '2 full cards × 10')
        self.assertEqual(row.on_hand_qty, 0.0)
        self.assertEqual(row.short_component_count, len(self.components))
        self.assertIn('Count the shelf', row.action_text)
        # the components brought where the order consumes them: no longer short
        for component in self.components:
            self.put_stock(component, production.location_src_id, 20)
        self.assertEqual(self.shortage_rows(loop).short_component_count, 0)

    def test_the_demo_factory_opens_shortage_risk_on_a_late_vendor(self):
        seals = self.env.ref('jit_kanban.loop_shaft_seal')
        at_risk = self.Shortage.search([('risk_score', '>', 0)])
        self.assertIn(seals, at_risk.mapped('loop_id'), 'the At Risk list is not empty on the demo')
        row = self.shortage_rows(seals)
        self.assertEqual(row.late_order_count, 1)
        self.assertEqual(row.late_card_count, 2, 'both cards signalled a week ago, lead time 5 days')
        self.assertIn('past due', row.action_text)

    def view_passes(self, func):
        """(what ``func`` returns, the queries that read the risk view)."""
        passes = []
        execute = type(self.env.cr).execute

        def counting(cr, query, params=None, log_exceptions=None):
            if 'jit_kanban_shortage' in query:
                passes.append(query)
            return execute(cr, query, params, log_exceptions)
        type(self.env.cr).execute = counting
        try:
            return func(), passes
        finally:
            type(self.env.cr).execute = execute

    def test_the_shortage_page_passes_over_the_risk_view_once(self):
        """Every pass over the view ranks every loop of the factory: a full
        page as the list asks for it (its own fields, "What to Do" included,
        then the count it shows) makes one, and ranks without joining the
        loops and their supermarkets."""
        loops = self.make_loop('buy') | self.make_loop('transfer')
        self.put_stock(self.bought, self.supermarket, -10)
        self.put_stock(self.moved, self.supermarket, -5)
        view = self.Shortage.fields_view_get(view_type='tree')
        domain = [('loop_id', 'in', loops.ids)]
        self.Shortage.invalidate_cache()

        def open_page():
            rows = self.Shortage.search_read(domain, list(view['fields']), limit=1)
            return rows, self.Shortage.search_count(domain)
        (rows, total), passes = self.view_passes(open_page)
        self.assertIn('Count the supermarket', rows[0]['action_text'])
        self.assertEqual(rows[0]['on_hand_qty'], -10.0)
        self.assertEqual(total, 2)
        self.assertEqual(len(passes), 1, passes)
        self.assertFalse([query for query in passes if '"jit_kanban_loop"' in query],
                         'the ranking needs no join to the loops')

    def test_a_write_between_the_page_search_and_its_read_is_seen(self):
        """The search's rows serve the read and the count only while this
        transaction has written nothing the view reads: stock counted in
        between shows in the row read, a loop added in between in the count."""
        loop = self.make_loop('buy')
        self.put_stock(self.bought, self.supermarket, -10)
        self.Shortage.invalidate_cache()
        row = self.Shortage.search([('loop_id', '=', loop.id)], limit=80)
        self.put_stock(self.bought, self.supermarket, 25)
        values, passes = self.view_passes(lambda: row.read(['on_hand_qty', 'risk_level']))
        self.assertEqual(values[0]['on_hand_qty'], 15.0)
        self.assertEqual(len(passes), 1, 'the read went back to the view')
        domain = [('product_id', 'in', (self.bought | self.moved).ids)]
        before = self.Shortage.search_count(domain)
        self.Shortage.search(domain, limit=80)
        self.make_loop('transfer')
        self.assertEqual(self.Shortage.search_count(domain), before + 1)

    def test_shortage_pages_follow_one_another(self):
        """A page after the first (offset) continues the same ranking, and
        another user's read of the rows a search found goes to the view
        with that user's rules."""
        loops = self.make_loop('buy') | self.make_loop('transfer')
        self.put_stock(self.bought, self.supermarket, -10)
        self.Shortage.invalidate_cache()
        domain = [('loop_id', 'in', loops.ids)]
        whole = self.Shortage.search(domain)
        pages = [self.Shortage.search_read(domain, ['loop_id', 'risk_score'], offset=offset, limit=1)
                 for offset in (0, 1)]
        self.assertEqual([page[0]['id'] for page in pages], whole.ids)
        self.assertGreater(pages[0][0]['risk_score'], pages[1][0]['risk_score'])
        outsider = self.operator_user('shortage-outsider', self.env['res.company'].create(
            {'name': 'Shortage Outsider Works'}))
        found = self.Shortage.search(domain, limit=80)
        with self.assertRaises(AccessError):
            found.sudo(outsider).read(['risk_level'])

    def test_lead_time_planned_vs_actual(self):
        loop = self.make_loop('transfer', lead_time_days=0.5)
        self.assertEqual(loop.kpi_receipt_count, 0)
        self.assertIn('No receipt yet', loop.kpi_lead_summary)
        self.scan(loop.card_ids[0])
        picking = self.env['stock.picking'].search([('group_id.jit_kanban_loop_id', '=', loop.id)])
        self.validate(picking)
        loop.invalidate_cache()
        self.assertEqual(loop.kpi_receipt_count, 1)
        self.assertEqual(loop.kpi_planned_hours, 12.0)
        self.assertNotIn('No receipt yet', loop.kpi_lead_summary)
        self.assertIn('Planned 12.0 h', loop.kpi_lead_summary)
        self.assertEqual(loop.kpi_late_count, 0)
        chart = loop.action_open_lead_time_chart()
        self.assertEqual(chart['res_model'], 'jit.kanban.event')
        self.assertIn(('loop_id', '=', loop.id), chart['domain'])
        self.assertEqual(chart['view_mode'].split(',')[0], 'graph')

    def test_a_card_change_is_announced_to_live_boards(self):
        loop = self.make_loop('transfer')
        Bus = self.env['bus.bus'].sudo()
        # a new row, not a larger count: one send in a hundred clears old
        # rows (bus.bus.gc, as Odoo's own sendmany does)
        last = Bus.search([], order='id desc', limit=1).id or 0
        self.scan(loop.card_ids[0])
        self.assertTrue(Bus.search_count([('channel', '=', '"jit_kanban_board"'), ('id', '>', last)]))

    def test_demo_history_feeds_kpis_and_sizing_once(self):
        load_demo_history.load(self.env)  # the browser tests may have loaded it already
        self.assertEqual(load_demo_history.load(self.env), (0, 0), 'loaded once')
        marked = self.env['jit.kanban.event'].search_count([('reason', '=', load_demo_history.MARKER)])
        self.assertEqual(marked, sum(1 for row in load_demo_history.demo_history.read()
                                     if row['kind'] != 'consume'))
        loops = self.env['jit.kanban.loop'].browse([
            self.env.ref(xmlid).id for xmlid in load_demo_history.demo_history.LOOPS])
        for loop in loops:
            self.assertGreater(loop.kpi_receipt_count, 0, loop.name)
            self.assertGreater(loop.kpi_lead_90_hours, 0.0, loop.name)
            self.assertTrue(loop.kpi_lead_trend, loop.name)
            self.assertGreater(loop.daily_demand, 0.0, loop.name)
        bearing = self.env.ref('jit_kanban.loop_bearing')
        self.assertEqual(bearing.kpi_lead_trend, 'slower', 'the bearing vendor got slower')
        self.assertGreater(sum(loops.mapped('kpi_late_count')), 0)
        weeks = self.env['jit.kanban.event'].read_group(
            [('loop_id', 'in', loops.ids), ('event_type', '=', 'receive')], ['date'], ['date:week'])
        self.assertGreaterEqual(len(weeks), 8, 'the events chart spans the weeks of history')

    def test_shortage_shows_each_company_its_own_loops(self):
        other = self.env['res.company'].create({'name': 'Other Plant'})
        foreign = self.env['jit.kanban.loop'].create({
            'product_id': self.bought.id, 'location_id': self.supermarket.id,
            'replenish_method': 'buy', 'company_id': other.id, 'state': 'active'})
        ours = self.make_loop('transfer')
        operator = self.env['res.users'].create({
            'name': 'Line Operator', 'login': 'cockpit-operator',
            'groups_id': [(6, 0, [self.env.ref('jit_kanban.group_jit_kanban_operator').id])]})
        self.assertEqual(self.shortage_rows(foreign | ours).mapped('loop_id'), ours | foreign)
        seen = self.Shortage.sudo(operator).search([('loop_id', 'in', (foreign | ours).ids)])
        self.assertEqual(seen.mapped('loop_id').ids, ours.ids)
        seen.read(['action_text', 'risk_level'])  # an operator reads the screen

