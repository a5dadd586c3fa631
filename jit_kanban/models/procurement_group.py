from odoo import fields, models, tools


class ProcurementGroup(models.Model):
    """A kanban transfer is one procurement group: its moves, split or not by
    backorders, all carry it."""
    _inherit = ['procurement.group', 'jit.kanban.order.mixin']
    _name = 'procurement.group'

    jit_kanban_card_ids = fields.One2many('jit.kanban.card', 'transfer_group_id', 'Kanban Cards')

    def init(self):
        # a kanban transfer's picking is found by its group; Odoo 11 has no index there
        if not tools.index_exists(self.env.cr, 'stock_picking_group_id_index'):
            tools.create_index(self.env.cr, 'stock_picking_group_id_index', 'stock_picking',
                               ['group_id'])

    def _jit_kanban_received_qty(self):
        self.ensure_one()
        product = self.jit_kanban_loop_id.product_id
        moves = self.env['stock.move'].search([
            ('group_id', '=', self.id), ('state', '=', 'done'), ('product_id', '=', product.id),
            ('location_dest_id', '=', self.jit_kanban_loop_id.location_id.id)])
        return sum(m.product_uom._compute_quantity(m.quantity_done, product.uom_id) for m in moves)
