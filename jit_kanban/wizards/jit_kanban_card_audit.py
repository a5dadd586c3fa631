"""Card audit: count the cards in a supermarket and reprint the lost ones.

A card that is not in its supermarket while the system says it is full is
lost (dropped, thrown away with a container): its container will never be
signalled and the loop silently runs with one card less.  The audit finds
them; "Reprint missing" prints them again (the reprint replaces the lost
card: same barcode) and records the audit on the loops' chatter.
"""
import re

from odoo import _, api, fields, models
from odoo.exceptions import UserError

A6_REPORT = 'jit_kanban.jit_kanban_card_report_a6'


def parse_barcodes(text):
    """Scanned text -> barcodes in scan order, without blanks or repeats."""
    seen = []
    for code in re.split(r'[\s,;]+', text or ''):
        if code and code not in seen:
            seen.append(code)
    return seen


class JitKanbanCardAudit(models.TransientModel):
    _name = 'jit.kanban.card.audit'
    _description = 'Kanban Card Audit'

    location_id = fields.Many2one('stock.location', 'Supermarket', required=True,
                                  domain=[('is_supermarket', '=', True)])
    scanned = fields.Text('Scanned Cards', help='Scan every card found in the supermarket, '
                                                'one barcode per line.')
    state = fields.Selection([('scan', 'Scan'), ('checked', 'Checked'), ('done', 'Reprinted')],
                             default='scan', required=True, readonly=True)
    expected_count = fields.Integer('Cards Expected', readonly=True,
                                    help='Active cards of the supermarket in state full.')
    found_count = fields.Integer('Cards Found', readonly=True)
    missing_card_ids = fields.Many2many(
        'jit.kanban.card', 'jit_kanban_card_audit_missing_rel', 'audit_id', 'card_id',
        'Missing Cards', readonly=True,
        help='Full cards of this supermarket that were not scanned.')
    unexpected_card_ids = fields.Many2many(
        'jit.kanban.card', 'jit_kanban_card_audit_unexpected_rel', 'audit_id', 'card_id',
        'Unexpected Cards', readonly=True,
        help='Scanned cards that should not be here: another supermarket, retired, '
             'or not full (empty, ordered, blocked).')
    unknown_barcodes = fields.Text('Unknown Barcodes', readonly=True,
                                   help='Scanned barcodes that match no card.')

    def _expected_cards(self):
        return self.env['jit.kanban.card'].search([
            ('location_id', '=', self.location_id.id), ('state', '=', 'full'),
            ('loop_id.active', '=', True)])

    @api.multi
    def action_check(self):
        """Compare the scan with the cards the system expects here."""
        self.ensure_one()
        codes = parse_barcodes(self.scanned)
        expected = self._expected_cards()
        scanned = self.env['jit.kanban.card'].with_context(active_test=False).search(
            [('barcode', 'in', codes)])
        known = set(scanned.mapped('barcode'))
        self.write({
            'state': 'checked',
            'expected_count': len(expected),
            'found_count': len(expected & scanned),
            'missing_card_ids': [(6, 0, (expected - scanned).ids)],
            'unexpected_card_ids': [(6, 0, (scanned - expected).ids)],
            'unknown_barcodes': '\n'.join(code for code in codes if code not in known) or False,
        })
        return self._reopen()

    @api.multi
    def action_rescan(self):
        self.ensure_one()
        self.write({'state': 'scan'})
        return self._reopen()

    @api.multi
    def action_reprint_missing(self):
        """Print the missing cards again (A6) and record the audit."""
        self.ensure_one()
        self.action_check()
        missing = self.missing_card_ids
        if not missing:
            raise UserError(_('No card is missing in %s: nothing to reprint.')
                            % self.location_id.display_name)
        self._record_audit(missing)
        self.state = 'done'
        return self.env.ref(A6_REPORT).report_action(missing, config=False)

    def _record_audit(self, missing):
        """A note on each loop with missing cards: who audited, what was reprinted."""
        for loop in missing.mapped('loop_id'):
            cards = missing.filtered(lambda c: c.loop_id == loop)
            body = _('Card audit of %s: %d of %d full cards found; missing cards reprinted: %s') % (
                self.location_id.display_name, self.found_count, self.expected_count,
                ', '.join('#%d %s' % (c.sequence, c.barcode) for c in cards))
            loop.sudo().message_post(body=body, author_id=self.env.user.partner_id.id,
                                     subtype='mail.mt_note')

    def _reopen(self):
        return {
            'type': 'ir.actions.act_window',
            'name': _('Card Audit'),
            'res_model': self._name,
            'res_id': self.id,
            'view_mode': 'form',
            'target': 'new',
        }
