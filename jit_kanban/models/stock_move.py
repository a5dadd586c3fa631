from odoo import _, models

from .. import engine


class StockMove(models.Model):
    _inherit = 'stock.move'

    def _action_done(self):
        moves = super(StockMove, self)._action_done()
        self.sudo()._jit_kanban_refill(moves.sudo())
        return moves

    def _action_cancel(self):
        result = super(StockMove, self)._action_cancel()
        if not self.env.context.get('jit_kanban_undo'):
            for group in self.sudo().mapped('group_id').filtered('jit_kanban_loop_id'):
                open_moves = self.search_count([('group_id', '=', group.id),
                                                ('state', 'not in', ('done', 'cancel'))])
                if not open_moves:
                    group.jit_kanban_card_ids._back_to_empty(
                        _('transfer %s was cancelled') % group.name)
        return result

    def _jit_kanban_refill(self, moves):
        """Cards of the orders these done moves belong to are full again:
        whole containers only, oldest cards first, never more than ordered."""
        done = moves.filtered(lambda m: m.state == 'done')
        documents = (done.mapped('production_id').filtered('jit_kanban_loop_id'),
                     done.mapped('purchase_line_id').filtered('jit_kanban_loop_id'),
                     done.mapped('group_id').filtered('jit_kanban_loop_id'))
        loops = self.env['jit.kanban.loop']
        for records in documents:
            for document in records:
                pending = document.jit_kanban_card_ids.filtered(lambda c: c.state == 'ordered')
                if not pending:
                    continue
                loop = document.jit_kanban_loop_id
                count = engine.cards_to_fill(
                    document._jit_kanban_received_qty(), loop.container_qty,
                    len(pending) + document.jit_kanban_filled_cards,
                    document.jit_kanban_filled_cards)
                if count:
                    loop._lock_rows()
                    pending._fill(count)
                    document.sudo().jit_kanban_filled_cards += count
                    loops |= loop
        for loop in loops:
            loop.sudo()._replenish(origin='auto')
