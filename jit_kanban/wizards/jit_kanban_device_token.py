from odoo import fields, models


class JitKanbanDeviceToken(models.TransientModel):
    """The dialog that shows a new device token once.  The token comes in
    the dialog's defaults and the dialog is never saved: the database keeps
    only the token's hash."""
    _name = 'jit.kanban.device.token'
    _description = 'Kanban: new device token'

    device_id = fields.Many2one('jit.kanban.device', 'Device', readonly=True)
    token = fields.Char(readonly=True)
