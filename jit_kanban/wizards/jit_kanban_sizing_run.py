from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..models.jit_kanban_loop_planning import MAX_HISTORY_DAYS


class JitKanbanSizingRun(models.TransientModel):
    """Size the chosen loops now: one proposal each, to review."""
    _name = 'jit.kanban.sizing.run'
    _description = 'Kanban: sizing run'

    loop_ids = fields.Many2many('jit.kanban.loop', string='Loops',
                                domain=[('state', '!=', 'draft')],
                                help='Leave empty to size every running loop.')
    history_days = fields.Integer(
        'History (days)',
        help='Size and replay every chosen loop on the consumption of these last days, e.g. 365 '
             'for a year. 0: each loop\'s own demand history.')

    @api.constrains('history_days')
    def _check_history_days(self):
        for run in self:
            if run.history_days < 0 or run.history_days > MAX_HISTORY_DAYS:
                raise ValidationError(_('The history window is at most %d days (0: each loop\'s own).')
                                      % MAX_HISTORY_DAYS)

    @api.model
    def default_get(self, fields_list):
        values = super(JitKanbanSizingRun, self).default_get(fields_list)
        if self.env.context.get('active_model') == 'jit.kanban.loop':
            values['loop_ids'] = [(6, 0, self.env.context.get('active_ids') or [])]
        return values

    @api.multi
    def action_run(self):
        self.ensure_one()
        Loop = self.env['jit.kanban.loop']
        Loop._check_planner()
        loops = self.loop_ids or Loop.search([('state', '!=', 'draft')])
        proposals = self.env['jit.kanban.sizing.proposal']._propose(
            loops, days=self.history_days or None)
        if not proposals:
            raise UserError(_('No running loop to size.'))
        action = self.env.ref('jit_kanban.jit_kanban_sizing_proposal_action').read()[0]
        action['domain'] = [('id', 'in', proposals.ids)]
        return action
