from odoo import _, api, models


class PurchaseOrder(models.Model):
    _inherit = 'purchase.order'

    @api.multi
    def button_cancel(self):
        result = super(PurchaseOrder, self).button_cancel()
        if not self.env.context.get('jit_kanban_undo'):
            for order in self:
                order.order_line.mapped('jit_kanban_card_ids').sudo()._back_to_empty(
                    _('%s was cancelled') % order.name)
        return result
