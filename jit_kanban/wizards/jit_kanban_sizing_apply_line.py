from odoo import fields, models

from .jit_kanban_sizing_apply import ACTIONS


class JitKanbanSizingApplyLine(models.TransientModel):
    """A card to print or to pull, as the confirmation lists it."""
    _name = 'jit.kanban.sizing.apply.line'
    _description = 'Kanban: card change of a sizing'
    _order = 'proposal_id, action, sequence'

    wizard_id = fields.Many2one('jit.kanban.sizing.apply', required=True, ondelete='cascade')
    proposal_id = fields.Many2one('jit.kanban.sizing.proposal', required=True)
    loop_id = fields.Many2one(related='proposal_id.loop_id', readonly=True, string='Loop')
    action = fields.Selection(ACTIONS, required=True)
    card_id = fields.Many2one('jit.kanban.card', 'Card')
    sequence = fields.Integer('Card Number')
    barcode = fields.Char(related='card_id.barcode', readonly=True)
    card_state = fields.Selection(related='card_id.state', readonly=True, string='Card State')
