from odoo import _, api, fields, models


class MrpProduction(models.Model):
    _inherit = ['mrp.production', 'jit.kanban.order.mixin']
    _name = 'mrp.production'

    _jit_kanban_card_column = 'production_id'
    _jit_kanban_shown_model = 'mrp.production'
    _jit_kanban_name_query = "SELECT id, id, name FROM mrp_production WHERE id IN %s"

    # a batch MO (several cards' containers) gives one card's back
    _jit_kanban_gives_back_shares = True

    jit_kanban_card_ids = fields.One2many('jit.kanban.card', 'production_id', 'Kanban Cards')

    def _jit_kanban_shown(self):
        return self

    def _jit_kanban_started(self):
        self.ensure_one()
        return self.state not in ('confirmed', 'planned') or any(
            move.quantity_done for move in self.move_raw_ids | self.move_finished_ids)

    def _jit_kanban_withdraw(self):
        self.with_context(jit_kanban_undo=True).action_cancel()

    def _jit_kanban_withdraw_share(self, card):
        """Odoo's own change of quantity (its components and finished move
        follow) takes one card's containers out of a batch MO."""
        self.ensure_one()
        share = self._jit_kanban_share(card, self.product_uom_id)
        self.env['change.production.qty'].with_context(jit_kanban_undo=True).create({
            'mo_id': self.id, 'product_qty': self.product_qty - share}).change_prod_qty()

    def _jit_kanban_received_qty(self):
        self.ensure_one()
        product = self.product_id
        return sum(m.product_uom._compute_quantity(m.quantity_done, product.uom_id)
                   for m in self.move_finished_ids
                   if m.state == 'done' and m.product_id == product)

    @api.model
    def _jit_kanban_picking_type(self, loop, warehouse):
        return loop.production_picking_type_id or warehouse.manu_type_id

    @api.model
    def _jit_kanban_label(self):
        return _('MAKE')

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
