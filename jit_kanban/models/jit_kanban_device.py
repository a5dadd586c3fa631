import hashlib
import secrets

from odoo import _, api, fields, models

from . import access

TOKEN_BYTES = 32


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

    @api.multi
    def action_new_token(self):
        """A new token (the old one stops working).  Returned once: only
        its hash is kept."""
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
