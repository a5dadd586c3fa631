import json
import logging

import psycopg2
import werkzeug.exceptions
import werkzeug.wrappers

from odoo import _, models
from odoo.exceptions import AccessDenied, AccessError, UserError, ValidationError
from odoo.http import SessionExpiredException, request

_logger = logging.getLogger(__name__)
KANBAN_ROUTES = '/jit_kanban/'
DEVICE_API = '/jit_kanban/api/'  # answers its own errors (controllers/api_v1.py)
# (English: a body that is not JSON is refused before any database or language is known)
BAD_REQUEST = 'Send JSON-RPC: POST, Content-Type application/json, a JSON body.'


class IrHttp(models.AbstractModel):
    """Clients of the kanban routes (handhelds, the device API) get a short
    JSON error, never a traceback; the server log keeps the details."""
    _inherit = 'ir.http'

    @classmethod
    def _handle_exception(cls, exception):
        path = request.httprequest.path if request else ''
        # a JSON route called as a web page (GET, a form): a JSON answer too
        misused = isinstance(exception, werkzeug.exceptions.BadRequest) and \
            not path.startswith(DEVICE_API)
        if not path.startswith(KANBAN_ROUTES) or (not misused and isinstance(
                exception, (werkzeug.exceptions.HTTPException, psycopg2.OperationalError))):
            # an unreachable database: ir_http_outage answers 503
            return super(IrHttp, cls)._handle_exception(exception)
        request._failed = exception  # nothing of the failed request is committed
        status, code, message = cls._jit_kanban_error(exception)
        if status >= 500:
            _logger.exception('kanban route %s failed', path)
        else:
            _logger.info('kanban route %s refused: %s', path, message)
        error = {'code': status, 'error': code, 'message': message}
        if getattr(request, '_request_type', None) == 'json':
            return request._json_response(error=error)
        return werkzeug.wrappers.Response(json.dumps({'error': error}), status=status,
                                          content_type='application/json')

    @classmethod
    def _jit_kanban_refusal(cls, exception):
        """The answer a kanban JSON route gives instead of raising (its
        clients read ``result``/``reason``/``message`` of every answer)."""
        status, code, message = cls._jit_kanban_error(exception)
        if status >= 500:
            _logger.exception('kanban route %s failed', request.httprequest.path)
        request.env.cr.rollback()  # nothing of the failed request is committed
        return {'result': 'rejected', 'reason': code, 'code': status, 'message': message}

    @staticmethod
    def _jit_kanban_error(exception):
        if isinstance(exception, werkzeug.exceptions.BadRequest):
            return 400, 'bad_request', BAD_REQUEST
        if isinstance(exception, SessionExpiredException):
            return 401, 'session_expired', _('Your session has expired: log in again.')
        if getattr(exception, 'jit_kanban_role', False):
            return 403, 'forbidden', exception.name
        if isinstance(exception, (AccessError, AccessDenied)):
            return 403, 'forbidden', _('You are not allowed to do this.')
        if isinstance(exception, (UserError, ValidationError)):
            return 400, 'refused', exception.name
        if isinstance(exception, psycopg2.OperationalError):
            return 503, 'unavailable', _('The server is busy or its database is unavailable: '
                                         'try again.')
        return 500, 'server_error', _('The server could not answer (the error is logged).')
