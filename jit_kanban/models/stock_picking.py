from odoo import fields, models


class StockPicking(models.Model):
    _inherit = 'stock.picking'

    # a kanban transfer is its procurement group: the cards it refills
    jit_kanban_card_ids = fields.One2many(related='group_id.jit_kanban_card_ids', readonly=True,
                                          string='Kanban Cards')
    jit_kanban_loop_id = fields.Many2one(related='group_id.jit_kanban_loop_id', readonly=True,
                                         string='Kanban Loop')
