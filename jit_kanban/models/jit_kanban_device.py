import datetime
import hashlib
import secrets

import psycopg2

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from . import access

TOKEN_BYTES = 32
# last_used is a hint for managers, not an audit: written at most this often
LAST_USED_PRECISION = datetime.timedelta(minutes=1)


def token_hash(token):
    return hashlib.sha256(token.encode('utf-8')).hexdigest()


class JitKanbanDevice(models.Model):
    """A handheld scanner or shop-floor terminal with no browser: it calls
    the device API with a bearer token and acts with its user's rights."""
    _name = 'jit.kanban.device'
    _description = 'Kanban Scanning Device'
    _order = 'name'

    name = fields.Char(required=True)
    company_id = fields.Many2one('res.company', required=True, index=True,
                                 default=lambda self: self.env.user.company_id)
    user_id = fields.Many2one('res.users', 'Acts As', required=True,
                              domain=[('share', '=', False)],
                              help='The device scans with the rights of this user (a Kanban Operator).')
    active = fields.Boolean(default=True)
    last_used = fields.Datetime(readonly=True, copy=False)
    token_hash = fields.Char(readonly=True, copy=False, groups='base.group_system', index=True)
    token_hint = fields.Char('Token', readonly=True, copy=False,
                             help='The first characters of the token, to tell tokens apart.')

    _sql_constraints = [
        ('token_hash_uniq', 'unique(token_hash)', 'Device tokens are unique.'),
    ]

    @api.constrains('user_id', 'company_id')
    def _check_user(self):
        operators = self.env.ref(access.OPERATOR)
        for device in self:
            if operators not in device.user_id.groups_id:
                raise ValidationError(_('A device acts as a Kanban Operator: %s is not one.')
                                      % device.user_id.name)
            if device.company_id not in device.user_id.company_ids:
                raise ValidationError(_('%s does not work in %s.')
                                      % (device.user_id.name, device.company_id.name))

    @api.multi
    def action_new_token(self):
        """The "New token" button: a dialog that shows the token once (it
        travels in the dialog's defaults; no record keeps it)."""
        token = self._issue_token()
        return {
            'type': 'ir.actions.act_window', 'name': _('New Device Token'),
            'res_model': 'jit.kanban.device.token', 'view_mode': 'form', 'target': 'new',
            'context': {'default_device_id': self.id, 'default_token': token},
        }

    @api.multi
    def _issue_token(self):
        """A new token (the old one stops working), returned once: only its
        hash is kept."""
        self.ensure_one()
        access.check_manager(self.env)
        access.check_records(self, 'write')
        token = secrets.token_urlsafe(TOKEN_BYTES)
        self.sudo().write({'token_hash': token_hash(token), 'token_hint': token[:6]})
        return token

    @api.multi
    def action_revoke(self):
        access.check_manager(self.env)
        access.check_records(self, 'write')
        self.sudo().write({'token_hash': False, 'token_hint': False})
        return True

    @api.model
    def _authenticate(self, token):
        """The active device with this token, or an empty recordset."""
        if not token or len(token) > 256:
            return self.browse()
        device = self.sudo().search([('token_hash', '=', token_hash(token))], limit=1)
        if not device or not device.user_id.active:
            return self.browse()
        return device

    @api.multi
    def _touch(self):
        """Record that the device was used, at most once a minute: skipped
        when another request of the device holds the row, and never fails
        the request it is part of."""
        self.ensure_one()
        now = datetime.datetime.utcnow()
        if self.last_used and fields.Datetime.from_string(self.last_used) > now - LAST_USED_PRECISION:
            return
        cr = self.env.cr
        try:
            with cr.savepoint():
                cr.execute("""
                    UPDATE jit_kanban_device SET last_used = %s
                     WHERE id = (SELECT id FROM jit_kanban_device WHERE id = %s
                                    FOR UPDATE SKIP LOCKED)""",
                           (fields.Datetime.to_string(now), self.id))
        except psycopg2.OperationalError:  # updated meanwhile by another request of the device
            pass
        self.invalidate_cache(['last_used'], self.ids)
