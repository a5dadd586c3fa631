"""The cards board's column counts, summed from the loops' board figures,
are the cards each user may see, whatever happened to them; the
Supermarket Board's count of loops, kept the same way, is the loops each
user may see on it."""
from odoo.tools.safe_eval import safe_eval

from kanban_factory import KanbanCase

# the Supermarket Board's domain as the web client sends it (JSON lists)
SUPERMARKET_BOARD = [['state', '!=', 'draft']]
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

    def supermarket_board(self, user):
        """The Supermarket Board's count, as the web client reads it for a
        full first page, and the number of loops it lists."""
        Loop = self.env['jit.kanban.loop'].sudo(user)
        return Loop.search_count(SUPERMARKET_BOARD), len(Loop.search(SUPERMARKET_BOARD))

    def test_supermarket_board_counts_the_loops_each_company_sees(self):
        # the count kept per company is the one of the board's own domain
        action = self.env.ref('jit_kanban.jit_kanban_loop_action_board')
        self.assertEqual(safe_eval(action.domain), [tuple(SUPERMARKET_BOARD[0])])
        users = (self.user_a, self.user_b)
        start = {user: self.supermarket_board(user)[0] for user in users}
        draft = self.make_loop(activate=False, card_count=2)
        self.assertEqual(self.supermarket_board(self.user_a)[0], start[self.user_a],
                         'a loop in draft is not on the board')
        draft.action_activate()
        self.assertEqual(self.supermarket_board(self.user_a)[0], start[self.user_a] + 1)
        draft.action_lock('line stopped')
        self.assertEqual(self.supermarket_board(self.user_a)[0], start[self.user_a] + 1,
                         'a locked loop stays on the board')
        archived = self.make_loop(method='buy', card_count=2)
        archived.write({'active': False})
        moved = self.make_loop(method='transfer', card_count=2)
        moved.card_ids.write({'company_id': self.company_b.id})
        moved.write({'company_id': self.company_b.id})
        self.assertEqual(self.supermarket_board(self.user_a)[0], start[self.user_a] + 1)
        self.assertEqual(self.supermarket_board(self.user_b)[0], start[self.user_b] + 1)
        for user in users:
            count, listed = self.supermarket_board(user)
            self.assertEqual(count, listed)
        self.env['jit.kanban.board.total']._cron_compact()
        draft.unlink()
        for user in users:
            count, listed = self.supermarket_board(user)
            self.assertEqual(count, listed)
        # another filter counts the loops themselves
        Loop = self.env['jit.kanban.loop'].sudo(self.user_a)
        self.assertEqual(Loop.search_count([('state', '=', 'active')]),
                         len(Loop.search([('state', '=', 'active')])))

    def test_supermarket_board_count_reads_no_loop(self):
        self.make_loop(card_count=2)
        executed = []
        cr = self.env.cr
        execute = cr.execute
        cr.execute = lambda query, *args, **kwargs: (executed.append(query),
                                                      execute(query, *args, **kwargs))[1]
        try:
            count, _listed = self.supermarket_board(self.user_a)
        finally:
            del cr.execute
        counting = [query for query in executed if 'count' in query.lower()]
        self.assertTrue(counting)
        self.assertFalse([query for query in counting if 'jit_kanban_loop' in query],
                         'the count does not read the loops')

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
        # and the Supermarket Board's count is the loops that rule lets it read
        count, listed = self.supermarket_board(self.user_a)
        self.assertEqual(count, listed)
        self.assertNotIn(other, self.env['jit.kanban.loop'].sudo(self.user_a).search(
            SUPERMARKET_BOARD))
