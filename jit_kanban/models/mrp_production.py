from odoo import _, api, fields, models


class MrpProduction(models.Model):
    _inherit = ['mrp.production', 'jit.kanban.order.mixin']
    _name = 'mrp.production'

    jit_kanban_card_ids = fields.One2many('jit.kanban.card', 'production_id', 'Kanban Cards')

    def _jit_kanban_received_qty(self):
        self.ensure_one()
        product = self.product_id
        return sum(m.product_uom._compute_quantity(m.quantity_done, product.uom_id)
                   for m in self.move_finished_ids
                   if m.state == 'done' and m.product_id == product)

    @api.multi
    def action_cancel(self):
        result = super(MrpProduction, self).action_cancel()
        if not self.env.context.get('jit_kanban_undo'):
            for production in self.filtered(lambda p: p.state == 'cancel'):
                production.jit_kanban_card_ids.sudo()._back_to_empty(
                    _('%s was cancelled') % production.name)
        return result

    @api.multi
    def button_mark_done(self):
        result = super(MrpProduction, self).button_mark_done()
        for production in self.filtered(lambda p: p.state == 'done'):
            production.jit_kanban_card_ids.sudo()._back_to_empty(
                _('%s closed short of its cards') % production.name)
        return result
