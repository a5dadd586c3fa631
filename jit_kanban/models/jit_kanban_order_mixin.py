from odoo import fields, models

from .. import engine


class JitKanbanOrderMixin(models.AbstractModel):
    """What a replenishment document (MO, purchase line, transfer group)
    knows of its cards: the loop, and how many of its cards it has filled.
    Each document says how much of the product it has delivered so far."""
    _name = 'jit.kanban.order.mixin'
    _description = 'Kanban Replenishment Document'

    jit_kanban_loop_id = fields.Many2one('jit.kanban.loop', 'Kanban Loop', index=True,
                                         readonly=True, copy=False)
    jit_kanban_filled_cards = fields.Integer(readonly=True, copy=False)

    def _jit_kanban_received_qty(self):
        raise NotImplementedError

    def _jit_kanban_refill(self):
        """Fill the cards these documents delivered: whole containers only,
        oldest cards first, never more than were ordered.  Returns the loops
        touched."""
        loops = self.env['jit.kanban.loop']
        for document in self.filtered('jit_kanban_loop_id'):
            pending = document.jit_kanban_card_ids.filtered(lambda c: c.state == 'ordered')
            if not pending:
                continue
            loop = document.jit_kanban_loop_id
            count = engine.cards_to_fill(
                document._jit_kanban_received_qty(), loop.container_qty,
                len(pending) + document.jit_kanban_filled_cards, document.jit_kanban_filled_cards)
            if count:
                loop._lock_rows()
                pending._fill(count)
                document.jit_kanban_filled_cards += count
                loops |= loop
        return loops
