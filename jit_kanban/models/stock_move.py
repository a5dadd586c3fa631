from odoo import _, api, models


class StockMove(models.Model):
    _inherit = 'stock.move'

    @api.model_cr
    def init(self):
        super(StockMove, self).init()
        # The shortage screen reads the components of open kanban MOs by
        # their production: Odoo 11 has no index there, so every opening of
        # the screen scanned the whole move history (500,000 done moves:
        # 110 ms, four times per page).  Only open moves are indexed: the
        # index stays the size of the work in progress, not of the history.
        self.env.cr.execute("""
            CREATE INDEX IF NOT EXISTS stock_move_open_raw_production_index
                ON stock_move (raw_material_production_id)
             WHERE state NOT IN ('done', 'cancel')""")

    def _action_done(self):
        moves = super(StockMove, self)._action_done()
        self.sudo()._jit_kanban_refill(moves.sudo())
        # consumption-triggered loops (jit_kanban_loop_consumption.py)
        self.env['jit.kanban.loop'].sudo()._signal_consumption(moves.ids)
        return moves

    def _action_cancel(self):
        result = super(StockMove, self)._action_cancel()
        groups = self.sudo().mapped('group_id').filtered('jit_kanban_loop_id')
        if groups and not self.env.context.get('jit_kanban_undo'):
            still_open = self.sudo().search([('group_id', 'in', groups.ids),
                                             ('state', 'not in', ('done', 'cancel'))]).mapped('group_id')
            for group in groups - still_open:
                group.jit_kanban_card_ids._back_to_empty(_('transfer %s was cancelled') % group.name)
        return result

    def _jit_kanban_refill(self, moves):
        """Cards of the orders these done moves belong to are full again."""
        done = moves.filtered(lambda m: m.state == 'done')
        loops = (done.mapped('production_id')._jit_kanban_refill()
                 | done.mapped('purchase_line_id')._jit_kanban_refill()
                 | done.mapped('group_id')._jit_kanban_refill())
        for loop in loops:
            loop.sudo()._replenish(origin='auto')
