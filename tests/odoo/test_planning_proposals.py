"""Proposal -> confirmation -> apply: exactly the listed cards change."""
import json

from odoo import fields
from odoo.addons.jit_kanban.models.jit_kanban_loop_planning import MAX_HISTORY_DAYS
from odoo.exceptions import AccessError, UserError, ValidationError

from kanban_factory import KanbanCase
from planning_history import insert_consumption, working_days


class TestPlanningProposals(KanbanCase):

    @classmethod
    def setUpClass(cls):
        super(TestPlanningProposals, cls).setUpClass()
        cls.Proposal = cls.env['jit.kanban.sizing.proposal']

    def picking_of(self, card):
        return self.env['stock.picking'].search([('group_id', '=', card.transfer_group_id.id)])

    def test_shrinking_pulls_full_cards_now_and_the_rest_on_return(self):
        loop = self.make_loop('transfer', card_count=4, container_qty=10)
        cards = loop.card_ids.sorted('sequence')
        for card in cards[:3]:
            self.scan(card)
        proposal = self.Proposal._propose(loop)
        # no demand: the two-card minimum
        self.assertEqual((proposal.current_card_count, proposal.recommended_card_count), (4, 2))
        wizard = self.env['jit.kanban.sizing.apply'].browse(proposal.action_apply()['res_id'])
        listed = {(line.action, line.card_id) for line in wizard.line_ids}
        self.assertEqual(listed, {('pull_now', cards[3]), ('pull_on_return', cards[2])})
        wizard.action_confirm()
        self.assertEqual(proposal.state, 'applied')
        self.assertEqual(loop.card_count, 2)
        self.assertFalse(cards[3].active)
        self.assertTrue(cards[2].active and cards[2].retire_on_return)
        self.assertEqual(loop.card_ids, cards[:3], 'the one in circulation stays until it is back')
        self.assertIn('#4', loop.message_ids[0].body)
        # its container comes back full: the card leaves the loop
        self.validate(self.picking_of(cards[2]))
        self.assertFalse(cards[2].active)
        self.assertEqual(loop.card_ids, cards[:2])
        self.assertEqual((loop.full_count, loop.ordered_count), (0, 2))
        # and scanned later it is refused as retired, never unknown
        answer = cards[2]._signal('station')
        self.assertEqual(answer['result'], 'rejected')
        self.assertEqual(answer['message'], 'Retired card: remove it from the floor')
        # the others keep working
        self.validate(self.picking_of(cards[0]))
        self.assertEqual(cards[0].state, 'full')
        self.assertTrue(cards[0].active)

    def test_growing_prints_exactly_the_listed_cards(self):
        loop = self.make_loop('transfer', card_count=3, container_qty=10, lead_time_days=2.0,
                              safety_factor=0.1, demand_days=28)
        today = fields.Date.from_string(fields.Date.context_today(loop))
        insert_consumption(self.env, loop, {day: 30.0 for day in working_days(self.env, 28, today)},
                           self.env.ref('stock.stock_location_customers'))
        proposal = self.Proposal._propose(loop)
        # 30 x 2 x 1.1 / 10 = 6.6 -> 7
        self.assertEqual(proposal.recommended_card_count, 7)
        self.assertEqual(proposal.line_ids.mapped('cards'), [3, 6, 7, 8])
        self.assertIn('<svg', proposal.demand_chart)
        wizard = self.env['jit.kanban.sizing.apply'].browse(proposal.action_apply()['res_id'])
        self.assertEqual(wizard.line_ids.mapped('action'), ['print'] * 4)
        self.assertEqual(wizard.line_ids.mapped('sequence'), [4, 5, 6, 7])
        report = wizard.action_confirm()
        self.assertEqual(loop.card_count, 7)
        self.assertEqual(loop.card_ids.mapped('sequence'), [1, 2, 3, 4, 5, 6, 7])
        new_cards = loop.card_ids.filtered(lambda card: card.sequence > 3)
        self.assertEqual(report['report_name'], 'jit_kanban.report_kanban_card_a6')
        self.assertEqual(sorted(report['context']['active_ids']), sorted(new_cards.ids))

    def test_a_new_run_supersedes_and_a_stale_proposal_is_refused(self):
        loop = self.make_loop('transfer', card_count=4)
        first = self.Proposal._propose(loop)
        second = self.Proposal._propose(loop)
        self.assertEqual((first.state, second.state), ('superseded', 'draft'))
        with self.assertRaises(UserError):
            first.action_apply()
        loop.card_count = 5
        with self.assertRaises(UserError):
            second.action_apply()
        with self.assertRaises(UserError):
            self.make_loop('buy', activate=False).action_apply_sizing()

    def test_weekly_run_proposes_for_running_loops_only(self):
        running = self.make_loop('transfer')
        draft = self.make_loop('buy', activate=False)
        self.Proposal._cron_propose()
        self.assertEqual(self.Proposal.search_count([('loop_id', '=', running.id), ('state', '=', 'draft')]), 1)
        self.assertFalse(self.Proposal.search([('loop_id', '=', draft.id)]))

    def test_only_managers_of_the_company_review_proposals(self):
        loop = self.make_loop('transfer', card_count=4)
        proposal = self.Proposal._propose(loop)
        Users = self.env['res.users'].with_context(no_reset_password=True)
        manager = self.env.ref('jit_kanban.group_jit_kanban_manager')
        operator = Users.create({
            'name': 'Line operator', 'login': 'kanban-operator-proposal',
            'groups_id': [(6, 0, [self.env.ref('jit_kanban.group_jit_kanban_operator').id])]})
        plant_b = self.env['res.company'].create({'name': 'Plant B planning'})
        planner_b = Users.create({
            'name': 'Plant B planner', 'login': 'kanban-planner-b', 'company_id': plant_b.id,
            'company_ids': [(6, 0, [plant_b.id])], 'groups_id': [(6, 0, [manager.id])]})
        with self.assertRaises(AccessError):
            proposal.sudo(operator).action_apply()
        with self.assertRaises(AccessError):
            self.Proposal.sudo(operator).search([])
        self.assertFalse(self.Proposal.sudo(planner_b).search([('id', '=', proposal.id)]))
        # nor its lines (stock-out days, values), read on their own
        Lines = self.env['jit.kanban.sizing.proposal.line']
        self.assertTrue(proposal.line_ids)
        self.assertFalse(Lines.sudo(planner_b).search([('proposal_id', '=', proposal.id)]))
        with self.assertRaises(AccessError):
            proposal.line_ids.sudo(planner_b).read(['cards'])
        with self.assertRaises(AccessError):
            proposal.sudo(planner_b).action_apply()
        self.assertEqual(proposal.state, 'draft')

    def test_a_manager_with_no_email_sets_up_a_loop_from_the_screens(self):
        """As the forms do it, chatter tracking on: create, activate (its
        route), change, lock and apply sizing, with no Inventory rights and
        no email address."""
        manager = self.env['res.users'].with_context(no_reset_password=True).create({
            'name': 'Line planner', 'login': 'kanban-planner-no-email',
            'groups_id': [(6, 0, [self.env.ref('jit_kanban.group_jit_kanban_manager').id])]})
        self.assertFalse(manager.email)
        env = self.env(user=manager.id, context={})
        loop = env['jit.kanban.loop'].create({
            'product_id': self.moved.id, 'location_id': self.supermarket.id,
            'replenish_method': 'transfer', 'source_location_id': self.reserve.id,
            'card_count': 4, 'container_qty': 10})
        loop.action_activate()
        loop.write({'container_qty': 12})
        loop.action_lock('stock count')
        loop.action_activate()
        proposal = env['jit.kanban.sizing.proposal']._propose(loop)
        wizard = env['jit.kanban.sizing.apply'].browse(proposal.action_apply()['res_id'])
        wizard.action_confirm()
        self.assertEqual((loop.state, loop.container_qty, loop.card_count, proposal.state),
                         ('active', 12, 2, 'applied'))
        self.assertTrue(loop.route_id)
        messages = self.env['jit.kanban.loop'].browse(loop.id).message_ids
        tracked = messages.filtered(lambda m: m.author_id == manager.partner_id)
        self.assertTrue(tracked.mapped('tracking_value_ids'), 'the changes are in the chatter')

    def test_a_run_over_a_year_reads_a_year_of_every_loop(self):
        # 10 a working day until four weeks ago, nothing since: the loop's own
        # 28-day window sees no demand, a 365-day run sees the year
        loop = self.make_loop('transfer', card_count=3, container_qty=10, demand_days=28)
        today = fields.Date.from_string(fields.Date.context_today(loop))
        year, recent = working_days(self.env, 365, today), working_days(self.env, 28, today)
        used = {day: 10.0 for day in year if day not in recent}
        insert_consumption(self.env, loop, used, self.env.ref('stock.stock_location_customers'))
        own = self.Proposal._propose(loop)
        self.assertEqual((own.demand_days, own.working_days, own.daily_demand), (28, len(recent), 0))
        run = self.env['jit.kanban.sizing.run'].create({'loop_ids': [(6, 0, loop.ids)],
                                                        'history_days': 365})
        proposal = self.Proposal.search(run.action_run()['domain'])
        self.assertEqual(own.state, 'superseded')
        self.assertEqual((proposal.demand_days, proposal.working_days), (365, len(year)))
        self.assertAlmostEqual(proposal.daily_demand, 10.0 * len(used) / len(year), places=2)
        series = json.loads(proposal.demand_series)
        self.assertEqual(series['dates'], [day.isoformat() for day in year])
        self.assertEqual(sum(series['series']), sum(used.values()))
        # the replay of N-1 / N / N+1 cards ran over the year too
        self.assertTrue(proposal.line_ids)
        self.assertEqual(loop.demand_days, 28, "the loop's own window is left as it was")
        # a window is bounded, as a simulation's is
        self.assertEqual(self.Proposal._propose(loop, days=100000).demand_days, MAX_HISTORY_DAYS)
        with self.assertRaises(ValidationError):
            run.history_days = MAX_HISTORY_DAYS + 1

    def test_a_run_costs_the_same_queries_for_one_loop_or_many(self):
        loops = self.make_loop('transfer', card_count=3)
        loops |= self.make_loop('buy', card_count=4)
        loops |= self.make_loop('manufacture', card_count=5)
        for price, loop in enumerate(loops, 2):
            loop.product_id.standard_price = price      # each cost is a property of its own

        def queries(chosen):
            self.env.clear()
            chosen = chosen.browse(chosen.ids)     # as a search hands them over
            before = self.cr.sql_log_count
            self.Proposal._propose(chosen, days=365)
            return self.cr.sql_log_count - before

        queries(loops)      # warm what is read once per run, and leave drafts to supersede
        self.assertEqual(queries(loops[0]), queries(loops))
