from odoo import _, fields, models


class JitKanbanCard(models.Model):
    """Cards pulled from a loop that shrank: a card in circulation retires
    when its container comes back full, so no container is lost."""
    _inherit = 'jit.kanban.card'

    retire_on_return = fields.Boolean(
        'Retire on Return', readonly=True, copy=False,
        help='The loop has fewer cards now: this card is retired when its container comes '
             'back full; take it off the floor then.')

    def _retire_returned(self):
        """Cards just back full that were waiting to retire leave the loop;
        the loop's followers are told which cards to pull."""
        returned = self.filtered('retire_on_return')
        if not returned:
            return returned
        returned.sudo().write({'active': False})
        for loop in returned.mapped('loop_id'):
            cards = returned.filtered(lambda card: card.loop_id == loop)
            loop.sudo().message_post(body=_('Retired on return, pull from the floor: %s') % ', '.join(
                '#%d %s' % (card.sequence, card.barcode) for card in cards))
        return returned
