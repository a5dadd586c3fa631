from odoo import _, api, fields, models


class PurchaseOrderLine(models.Model):
    _inherit = ['purchase.order.line', 'jit.kanban.order.mixin']
    _name = 'purchase.order.line'

    _jit_kanban_card_column = 'purchase_line_id'
    _jit_kanban_shown_model = 'purchase.order'
    _jit_kanban_name_query = """
        SELECT l.id, o.id, o.name FROM purchase_order_line l
          JOIN purchase_order o ON o.id = l.order_id WHERE l.id IN %s"""

    # Odoo adds a loop's next cards to its open request for quotation's line
    _jit_kanban_gives_back_shares = True

    jit_kanban_card_ids = fields.One2many('jit.kanban.card', 'purchase_line_id', 'Kanban Cards')

    def _jit_kanban_shown(self):
        return self.mapped('order_id')

    def _jit_kanban_started(self):
        self.ensure_one()
        return self.order_id.state not in ('draft', 'sent')

    def _jit_kanban_withdraw(self):
        order = self.order_id
        self.with_context(jit_kanban_undo=True).unlink()
        if not order.order_line:
            order.with_context(jit_kanban_undo=True).button_cancel()

    def _jit_kanban_withdraw_share(self, card):
        """The request for quotation keeps the other cards' quantity, priced
        for that quantity as Odoo prices a changed line (vendor price
        breaks)."""
        self.ensure_one()
        share = self._jit_kanban_share(card, self.product_uom)
        self.with_context(jit_kanban_undo=True).write(
            {'product_qty': max(self.product_qty - share, 0.0)})
        self._onchange_quantity()

    def _jit_kanban_received_qty(self):
        self.ensure_one()
        return self.product_uom._compute_quantity(self.qty_received, self.product_id.uom_id)

    @api.model
    def _jit_kanban_picking_type(self, loop, warehouse):
        return loop.location_id._kanban_receipt_type()

    @api.model
    def _jit_kanban_label(self):
        return _('BUY')

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
