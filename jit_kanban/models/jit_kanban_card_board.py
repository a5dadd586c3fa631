from odoo import api, models

# board column (card state) -> the loop figure that counts its cards
COLUMN_FIGURES = [('full', 'full_count'), ('empty', 'empty_count'),
                  ('ordered', 'ordered_count'), ('blocked', 'blocked_count')]


class JitKanbanCard(models.Model):
    """The cards board opens with a count per column and, for a full first
    page, a count of that column.  Counting the cards reads every card of
    the factory on each opening; the loops already keep these counts (their
    board figures, updated with every card change) and the database keeps
    their sum per company (jit.kanban.board.total), so the whole board's
    counts are read from there instead: the board opens in about the same
    time at 100,000 cards as at 1,000 (bench/README.md).  Any other
    grouping or filter counts the cards as usual."""
    _inherit = 'jit.kanban.card'

    def _board_counts(self):
        """{state: active cards the caller may read}, from the board totals
        (a few rows per company) or, when the caller's rules on loops are
        not just the company rule, from the loop figures.  Loops and cards
        share their company record rule (a card's company is its loop's),
        so the loops the caller may read hold exactly the cards the caller
        may read."""
        self.check_access_rights('read')
        counts = self.env['jit.kanban.board.total']._counts()
        if counts is None:
            Loop = self.env['jit.kanban.loop'].with_context(active_test=False)
            query = Loop._where_calc([])
            Loop._apply_ir_rules(query, 'read')
            from_clause, where_clause, params = query.get_sql()
            self.env.cr.execute('SELECT %s FROM %s WHERE %s' % (
                ', '.join('COALESCE(SUM("jit_kanban_loop".%s), 0)' % figure
                          for _state, figure in COLUMN_FIGURES),
                from_clause, where_clause or 'TRUE'), params)
            counts = dict(zip([figure for _state, figure in COLUMN_FIGURES],
                              self.env.cr.fetchone()))
        return {state: counts[figure] for state, figure in COLUMN_FIGURES}

    def _whole_board(self):
        """Active cards only, as the board shows them (no archived ones)."""
        return self._context.get('active_test', True) and \
            not self._context.get('jit_kanban_count_cards')

    @api.model
    def read_group(self, domain, fields, groupby, offset=0, limit=None, orderby=False, lazy=True):
        groupby_list = [groupby] if isinstance(groupby, str) else list(groupby)
        summed = [name for name in fields or [] if name != 'state' and name in self._fields
                  and self._fields[name].store and self._fields[name].type in ('integer', 'float')]
        if domain or groupby_list[:1] != ['state'] or (len(groupby_list) > 1 and not lazy) \
                or offset or limit or summed or not fields or not self._whole_board():
            return super(JitKanbanCard, self).read_group(
                domain, fields, groupby, offset=offset, limit=limit, orderby=orderby, lazy=lazy)
        counts = self._board_counts()
        groups = []
        for state, _figure in COLUMN_FIGURES:
            group = {'state': state, 'state_count': counts[state],
                     '__domain': [('state', '=', state)]}
            if len(groupby_list) > 1:
                group['__context'] = {'group_by': groupby_list[1:]}
            groups.append(group)
        return groups if 'desc' not in (orderby or '').lower() else groups[::-1]

    @api.model
    def search_count(self, args):
        states = dict(COLUMN_FIGURES)
        if len(args or []) == 1 and isinstance(args[0], (list, tuple)) and len(args[0]) == 3 \
                and tuple(args[0][:2]) == ('state', '=') and args[0][2] in states \
                and self._whole_board():
            return self._board_counts()[args[0][2]]
        return super(JitKanbanCard, self).search_count(args)
