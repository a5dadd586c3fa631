from odoo import api, fields, models

from .. import engine


class JitKanbanLoop(models.Model):
    """Consumption-triggered e-kanban: for two-bin parts nobody scans, stock
    leaving the supermarket signals the cards of the containers it emptied."""
    _inherit = 'jit.kanban.loop'

    trigger_policy = fields.Selection(selection_add=[('consumption', 'On consumption (no scan)')])

    @api.model
    def _signal_consumption(self, move_ids):
        """After ``move_ids`` are done: for each active consumption loop whose
        supermarket they took stock from (their move lines: a move from a
        parent location may pick in the supermarket), signal (origin 'auto') one full card per
        container the on-hand quantity no longer fills (engine.cards_to_signal).
        One query for all loops; each signal then takes the scan's path."""
        if not move_ids:
            return
        self.env.cr.execute("""
            WITH moved AS (
                SELECT DISTINCT l.id AS loop_id, l.product_id, sm.parent_left, sm.parent_right
                  FROM stock_move_line m
                  JOIN jit_kanban_loop l ON l.product_id = m.product_id AND l.state = 'active'
                                        AND l.trigger_policy = 'consumption'
                  JOIN stock_location sm ON sm.id = l.location_id
                  JOIN stock_location src ON src.id = m.location_id
                  JOIN stock_location dst ON dst.id = m.location_dest_id
                 WHERE m.move_id IN %s AND m.state = 'done' AND m.qty_done > 0
                   AND src.parent_left >= sm.parent_left AND src.parent_left < sm.parent_right
                   AND NOT (dst.parent_left >= sm.parent_left AND dst.parent_left < sm.parent_right))
            SELECT moved.loop_id, l.container_qty,
                   (SELECT COALESCE(SUM(q.quantity), 0)
                      FROM stock_quant q JOIN stock_location ql ON ql.id = q.location_id
                     WHERE q.product_id = moved.product_id
                       AND ql.parent_left >= moved.parent_left AND ql.parent_left < moved.parent_right),
                   ARRAY(SELECT c.id FROM jit_kanban_card c
                          WHERE c.loop_id = moved.loop_id AND c.active AND c.state = 'full'
                          ORDER BY c.write_date, c.sequence)
              FROM moved JOIN jit_kanban_loop l ON l.id = moved.loop_id""", (tuple(move_ids),))
        Card = self.env['jit.kanban.card'].sudo()
        for _loop_id, container_qty, on_hand, full_ids in self.env.cr.fetchall():
            count = engine.cards_to_signal(on_hand, container_qty, len(full_ids))
            # the container longest full goes first, as on the shelf
            for card in Card.browse(full_ids[:count]):
                card._signal('auto')
