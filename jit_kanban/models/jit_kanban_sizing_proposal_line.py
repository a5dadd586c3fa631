from odoo import fields, models


class JitKanbanSizingProposalLine(models.Model):
    """One card count of a proposal replayed against the demand history."""
    _name = 'jit.kanban.sizing.proposal.line'
    _description = 'Kanban Sizing Comparison'
    _order = 'proposal_id, cards'

    proposal_id = fields.Many2one('jit.kanban.sizing.proposal', required=True, index=True,
                                  ondelete='cascade')
    cards = fields.Integer(required=True)
    stockout_days = fields.Integer('Stock-out Days')
    short_qty = fields.Float('Quantity Short')
    average_on_hand = fields.Float('Average On Hand', digits=(16, 1))
    orders_placed = fields.Integer('Orders')
    inventory_value = fields.Float('Inventory Tied Up', digits=(16, 2),
                                   help='Cards x container quantity x unit cost.')
    is_recommended = fields.Boolean('Recommended')
    is_current = fields.Boolean('Current')
