from odoo import _, api, fields, models
from odoo.exceptions import UserError

from .. import engine

A6_REPORT = 'jit_kanban.jit_kanban_card_report_a6'
ACTIONS = [('print', 'Print new card'), ('pull_now', 'Pull now (full)'),
           ('pull_on_return', 'Pull when it comes back full'), ('keep', 'Keep (no longer pulled)')]


class JitKanbanSizingApply(models.TransientModel):
    """The check step before a sizing takes effect: it lists exactly which
    cards will be printed and which pulled off the floor."""
    _name = 'jit.kanban.sizing.apply'
    _description = 'Kanban: apply sizing proposals'

    proposal_ids = fields.Many2many('jit.kanban.sizing.proposal', string='Proposals', required=True)
    line_ids = fields.One2many('jit.kanban.sizing.apply.line', 'wizard_id', 'Card Changes',
                               readonly=True)
    print_count = fields.Integer('Cards to Print', compute='_compute_counts')
    pull_count = fields.Integer('Cards to Pull', compute='_compute_counts')

    @api.depends('line_ids.action')
    def _compute_counts(self):
        for wizard in self:
            wizard.print_count = len(wizard.line_ids.filtered(lambda l: l.action == 'print'))
            wizard.pull_count = len(wizard.line_ids.filtered(
                lambda l: l.action in ('pull_now', 'pull_on_return')))

    @api.model
    def create(self, vals):
        self.env['jit.kanban.loop']._check_planner()
        wizard = super(JitKanbanSizingApply, self).create(vals)
        wizard._plan()
        return wizard

    def _plan(self):
        """One line per card to print or pull, from the engine's plan."""
        Card = self.env['jit.kanban.card'].with_context(active_test=False)
        lines = []
        for proposal in self.proposal_ids:
            loop = proposal.loop_id
            if proposal.state != 'draft':
                raise UserError(_('The proposal for %s was already %s.') % (
                    loop.name, dict(proposal._fields['state'].selection)[proposal.state].lower()))
            if loop.card_count != proposal.current_card_count:
                raise UserError(_('%s has %d cards now, not %d as when it was sized: run the '
                                  'sizing again.') % (loop.name, loop.card_count,
                                                      proposal.current_card_count))
            cards = loop.card_ids
            used = Card.search([('loop_id', '=', loop.id)], order='sequence desc', limit=1)
            changes = engine.plan_card_changes(
                proposal.recommended_card_count,
                [(card.id, card.sequence, card.state, card.retire_on_return) for card in cards],
                used.sequence + 1)
            lines += [{'proposal_id': proposal.id, 'action': 'print', 'sequence': sequence}
                      for sequence in changes.print_sequences]
            for action, card_ids in (('pull_now', changes.retire_now),
                                     ('pull_on_return', changes.retire_on_return),
                                     ('keep', changes.keep)):
                lines += [{'proposal_id': proposal.id, 'action': action, 'card_id': card_id,
                           'sequence': cards.browse(card_id).sequence} for card_id in card_ids]
        self.write({'line_ids': [(0, 0, line) for line in lines]})

    @api.multi
    def action_confirm(self):
        """Print, pull and flag exactly the listed cards; set the new card
        counts; returns the new cards to print."""
        self.ensure_one()
        self.env['jit.kanban.loop']._check_planner()
        Card = self.env['jit.kanban.card']
        printed = Card
        for proposal in self.proposal_ids:
            loop = proposal.loop_id
            if proposal.state != 'draft' or loop.card_count != proposal.current_card_count:
                raise UserError(_('%s changed since this confirmation was prepared: open the '
                                  'proposal again.') % loop.name)
            loop._lock_rows()
            lines = self.line_ids.filtered(lambda line: line.proposal_id == proposal)
            for line in lines.filtered(lambda l: l.action == 'print'):
                line.card_id = Card.create({'loop_id': loop.id, 'sequence': line.sequence})
                printed |= line.card_id
            pulled = lines.filtered(lambda l: l.action in ('pull_now', 'pull_on_return')).mapped('card_id')
            if pulled:
                pulled._lock_rows()
            # a listed card scanned since still goes, when its container is back
            pulled.filtered(lambda card: card.state == 'full').write({'active': False})
            pulled.filtered('active').write({'retire_on_return': True})
            lines.filtered(lambda l: l.action == 'keep').mapped('card_id').write(
                {'retire_on_return': False})
            loop.write({'card_count': proposal.recommended_card_count})
            proposal.write({'state': 'applied', 'applied_by': self.env.uid,
                            'applied_on': fields.Datetime.now()})
            loop.message_post(body=proposal._summary(lines))
        if printed:
            # the dialog closes once the cards' PDF is on its way (print_and_close.js)
            return dict(self.env.ref(A6_REPORT).report_action(printed, config=False),
                        jit_kanban_close_dialog=True)
        return {'type': 'ir.actions.act_window_close'}
