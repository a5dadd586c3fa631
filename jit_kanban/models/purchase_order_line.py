from odoo import _, api, fields, models


class PurchaseOrderLine(models.Model):
    _inherit = ['purchase.order.line', 'jit.kanban.order.mixin']
    _name = 'purchase.order.line'

    jit_kanban_card_ids = fields.One2many('jit.kanban.card', 'purchase_line_id', 'Kanban Cards')

    def _jit_kanban_received_qty(self):
        self.ensure_one()
        return self.product_uom._compute_quantity(self.qty_received, self.product_id.uom_id)

    def _merge_in_existing_line(self, product_id, product_qty, product_uom, location_id, name,
                                origin, values):
        """A kanban line only takes more of its own loop's cards; other
        procurements never add to it (its receipts refill cards)."""
        merge = super(PurchaseOrderLine, self)._merge_in_existing_line(
            product_id, product_qty, product_uom, location_id, name, origin, values)
        loop = values.get('jit_kanban_loop')
        return merge and (loop.id if loop else False) == self.jit_kanban_loop_id.id

    @api.multi
    def unlink(self):
        if not self.env.context.get('jit_kanban_undo'):
            for line in self:
                line.jit_kanban_card_ids.sudo()._back_to_empty(
                    _('its line was removed from %s') % line.order_id.name)
        return super(PurchaseOrderLine, self).unlink()
