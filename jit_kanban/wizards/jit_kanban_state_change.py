from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..models.jit_kanban_card import STATES


class JitKanbanStateChange(models.TransientModel):
    """A manager's change with a reason: lock a loop, block a card, or set a
    card's state after a stock count."""
    _name = 'jit.kanban.state.change'
    _description = 'Kanban: change with a reason'

    action = fields.Selection([('lock', 'Lock loops'), ('block', 'Block cards'),
                               ('correct', 'Correct card state')], required=True)
    loop_ids = fields.Many2many('jit.kanban.loop', string='Loops')
    card_ids = fields.Many2many('jit.kanban.card', string='Cards')
    state = fields.Selection(STATES, 'New State')
    reason = fields.Char(required=True)

    @api.model
    def default_get(self, fields_list):
        values = super(JitKanbanStateChange, self).default_get(fields_list)
        model, ids = self.env.context.get('active_model'), self.env.context.get('active_ids') or []
        if model == 'jit.kanban.loop':
            values.update(action='lock', loop_ids=[(6, 0, ids)])
        elif model == 'jit.kanban.card':
            values.update(card_ids=[(6, 0, ids)],
                          action=self.env.context.get('default_action') or 'correct')
        return values

    @api.multi
    def action_apply(self):
        self.ensure_one()
        if self.action == 'lock':
            self.loop_ids.action_lock(self.reason)
        elif self.action == 'block':
            self.card_ids.action_block(self.reason)
        else:
            if not self.state:
                raise UserError(_('Choose the state the cards are really in.'))
            self.card_ids.action_correct(self.state, self.reason)
        return {'type': 'ir.actions.act_window_close'}
