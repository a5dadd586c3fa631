"""JSON endpoints for handheld scanners (which speak plain HTTP, not Odoo's
RPC).  They call the same model methods as the scan station."""
from odoo import http
from odoo.http import request


class KanbanScanController(http.Controller):

    @http.route('/jit_kanban/signal', type='json', auth='user')
    def signal(self, barcode=None, station_location_id=False, **kwargs):
        """POST {"params": {"barcode": "JK000001"}} -> the signal answer."""
        return request.env['jit.kanban.card'].with_context(jit_kanban_origin='api').signal_barcode(
            barcode, station_location_id=station_location_id, origin='api')

    @http.route('/jit_kanban/undo', type='json', auth='user')
    def undo(self, event_id=None, **kwargs):
        if not event_id:
            return {'result': 'rejected', 'message': 'event_id is required'}
        return request.env['jit.kanban.card'].undo_signal(event_id)

    @http.route('/jit_kanban/card/<string:barcode>', type='json', auth='user')
    def card(self, barcode, **kwargs):
        """What a scanner shows before signalling: the card and its state."""
        card = request.env['jit.kanban.card'].search([('barcode', '=', barcode)], limit=1)
        if not card:
            return {'result': 'rejected', 'message': 'unknown card barcode "%s"' % barcode}
        return dict(card.sudo()._answer('info', None), result='info')
