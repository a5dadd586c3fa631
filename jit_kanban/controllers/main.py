"""JSON endpoints for handheld scanners that log in with a session (they
speak plain HTTP, not Odoo's RPC).  They call the same scan service as the
station; a refusal or failure is a short answer, never a traceback."""
import functools

import psycopg2
from psycopg2 import errorcodes

from odoo import http
from odoo.http import request

# Odoo retries the whole request on these: they must pass through
RETRIED = (errorcodes.LOCK_NOT_AVAILABLE, errorcodes.SERIALIZATION_FAILURE,
           errorcodes.DEADLOCK_DETECTED)


def kanban_json(endpoint):
    """Answer exceptions as ``{'result': 'rejected', 'reason': ...}``."""
    @functools.wraps(endpoint)
    def wrapper(*args, **kwargs):
        try:
            return endpoint(*args, **kwargs)
        except psycopg2.OperationalError as error:
            if error.pgcode in RETRIED:
                raise
            return request.env['ir.http']._jit_kanban_refusal(error)
        except Exception as error:  # noqa: BLE001 - logged by _jit_kanban_refusal
            return request.env['ir.http']._jit_kanban_refusal(error)
    return wrapper


class KanbanScanController(http.Controller):

    @http.route('/jit_kanban/signal', type='json', auth='user')
    @kanban_json
    def signal(self, barcode=None, station_location_id=False, idempotency_key=None, **kwargs):
        """POST {"params": {"barcode": "JK000001"}} -> the signal answer."""
        return request.env['jit.kanban.card']._scan(
            barcode, station_location_id, 'api', idempotency_key=idempotency_key)

    @http.route('/jit_kanban/undo', type='json', auth='user')
    @kanban_json
    def undo(self, event_id=None, **kwargs):
        return request.env['jit.kanban.card'].undo_signal(event_id)

    @http.route('/jit_kanban/card/<string:barcode>', type='json', auth='user')
    @kanban_json
    def card(self, barcode, **kwargs):
        """What a scanner shows before signalling: the card and its state."""
        return request.env['jit.kanban.card']._card_info(barcode)
