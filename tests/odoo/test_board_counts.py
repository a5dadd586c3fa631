"""The cards board's column counts, summed from the loops' board figures,
are the cards each user may see, whatever happened to them."""
from kanban_factory import KanbanCase

WEB_CLIENT_FIELDS = ['barcode', 'state', 'color', 'container_qty', 'order_ref', 'loop_name',
                     'product_id']


class TestCardsBoardCounts(KanbanCase):

    @classmethod
    def setUpClass(cls):
        super(TestCardsBoardCounts, cls).setUpClass()
        env = cls.env
        cls.company_b, warehouse_b, supermarket_b = cls.second_plant('Board Plant B')
        cls.user_a = cls.operator_user('board-a')
        cls.user_b = cls.operator_user('board-b', cls.company_b)
        product_b = cls.make_product('Board B part')
        product_b.company_id = cls.company_b
        cls.loop_b = env['jit.kanban.loop'].create({
            'product_id': product_b.id, 'location_id': supermarket_b.id,
            'replenish_method': 'transfer', 'company_id': cls.company_b.id,
            'source_location_id': warehouse_b.lot_stock_id.id, 'card_count': 2})
        cls.loop_b.action_activate()

    def board(self, user, count_cards=False):
        """Column counts as the web client reads them, and each column's count."""
        Card = self.env['jit.kanban.card'].sudo(user).with_context(
            jit_kanban_count_cards=count_cards)
        groups = Card.read_group([], WEB_CLIENT_FIELDS, ['state'], lazy=True)
        return ([(g['state'], g['state_count'], g['__domain']) for g in groups],
                {state: Card.search_count([('state', '=', state)])
                 for state in ('full', 'empty', 'ordered', 'blocked')})

    def test_board_counts_are_the_cards_each_company_sees(self):
        loop = self.make_loop(card_count=4)
        self.scan(loop.card_ids[0])  # empty -> an order: ordered
        loop.card_ids[1].action_block('dropped')
        loop.write({'card_count': 3})  # one full card retired
        self.env['jit.kanban.card'].sudo(self.user_b).signal_barcode(self.loop_b.card_ids[0].barcode)
        for user in (self.user_a, self.user_b):
            self.assertEqual(self.board(user), self.board(user, count_cards=True))
        columns, _counts = self.board(self.user_b)
        self.assertEqual({state: count for state, count, _d in columns},
                         {'full': 1, 'empty': 0, 'ordered': 1, 'blocked': 0})
        columns_a, counts_a = self.board(self.user_a)
        self.assertEqual(counts_a['blocked'], self.env['jit.kanban.card'].sudo(self.user_a).search(
            [('state', '=', 'blocked')], count=True))
        self.assertGreaterEqual(counts_a['ordered'], 1)

    def totals_rows(self):
        self.env.cr.execute('SELECT company_id, COUNT(*) FROM jit_kanban_board_total '
                            'GROUP BY company_id')
        return dict(self.env.cr.fetchall())

    def test_counts_stay_exact_through_folding_deleting_and_moving_loops(self):
        loop = self.make_loop(card_count=3)
        self.scan(loop.card_ids[0])
        gone = self.make_loop(method='buy', card_count=2)
        gone.unlink()  # a loop deleted with its full cards: they leave the totals
        self.env['jit.kanban.board.total']._cron_compact()
        # folded: one row per company, the same counts as counting the cards
        self.assertTrue(all(rows == 1 for rows in self.totals_rows().values()))
        for user in (self.user_a, self.user_b):
            self.assertEqual(self.board(user), self.board(user, count_cards=True))
        # a loop moved to the other company takes its cards' counts along
        before_b = dict((s, n) for s, n, _d in self.board(self.user_b)[0])
        moved = self.make_loop(method='buy', card_count=2)
        self.scan(moved.card_ids[0])
        moved.card_ids.write({'company_id': self.company_b.id})
        moved.write({'company_id': self.company_b.id})
        after_b = dict((s, n) for s, n, _d in self.board(self.user_b)[0])
        self.assertEqual(sum(after_b.values()) - sum(before_b.values()), 2)
        for user in (self.user_a, self.user_b):
            self.assertEqual(self.board(user), self.board(user, count_cards=True))

    def test_a_narrower_rule_on_loops_counts_the_loops_instead(self):
        """A factory that adds its own rule on loops (here: one supermarket
        per team) gets counts of exactly what that rule lets it read."""
        loop = self.make_loop(card_count=3)
        other = self.make_loop(method='buy', card_count=2,
                               location_id=self.env['stock.location'].create({
                                   'name': 'Second line', 'is_supermarket': True,
                                   'location_id': self.supermarket.location_id.id}).id)
        self.scan(other.card_ids[0])
        team = self.env['res.groups'].create({'name': 'Line one team',
                                              'users': [(4, self.user_a.id)]})
        for model in ('jit.kanban.loop', 'jit.kanban.card'):
            self.env['ir.rule'].create({
                'name': 'line one only', 'groups': [(4, team.id)],
                'model_id': self.env['ir.model']._get(model).id,
                'domain_force': "[('location_id', '=', %d)]" % loop.location_id.id})
        self.assertFalse(self.env['jit.kanban.board.total'].sudo(self.user_a)._same_rules_as_loops())
        columns, counts = self.board(self.user_a)
        self.assertEqual((columns, counts), self.board(self.user_a, count_cards=True))
        seen = self.env['jit.kanban.card'].sudo(self.user_a).search([])
        self.assertNotIn(other.card_ids[0], seen)
        self.assertEqual(sum(counts.values()), len(seen))
