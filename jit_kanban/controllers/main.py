"""JSON endpoints for handheld scanners that log in with a session (they
speak plain HTTP, not Odoo's RPC).  They call the same scan service as the
station; errors come back as short JSON (models/ir_http.py)."""
from odoo import http
from odoo.http import request




class KanbanScanController(http.Controller):

    @http.route('/jit_kanban/signal', type='json', auth='user')
    def signal(self, barcode=None, station_location_id=False, idempotency_key=None, **kwargs):
        """POST {"params": {"barcode": "JK000001"}} -> the signal answer."""
        return request.env['jit.kanban.card']._scan(
            barcode, station_location_id, 'api', idempotency_key=idempotency_key)

    @http.route('/jit_kanban/undo', type='json', auth='user')
    def undo(self, event_id=None, **kwargs):
        return request.env['jit.kanban.card'].undo_signal(event_id)

    @http.route('/jit_kanban/card/<string:barcode>', type='json', auth='user')
    def card(self, barcode, **kwargs):
        """What a scanner shows before signalling: the card and its state."""
        return request.env['jit.kanban.card']._card_info(barcode)
