"""Device API v1: handheld scanners and terminals with no browser.

A device authenticates each request with its bearer token (jit.kanban.device)
and acts as its user; it has no session, no cookie, no CSRF token.  Every
answer is JSON: the scan service's answer (200, whatever the result) or
``{"error": {"code", "error", "message"}}`` with the HTTP status.

Odoo 11 decides how to read a request before any route runs: a JSON body
would be taken for JSON-RPC, a failing database gives an HTML page, and every
request gets a session cookie.  ``_install`` hooks the two steps of
``odoo.http.Root`` that do this, for this API's paths only.
"""
import json
import logging
import random
import time

import psycopg2
import werkzeug.exceptions
import werkzeug.wrappers
from psycopg2 import errorcodes

from odoo import SUPERUSER_ID, _, api, http
from odoo.http import request

from ..models import access
from ..models.ir_http import BAD_REQUEST, KANBAN_ROUTES
from ..models.ir_http_outage import RETRY_AFTER_SECONDS

_logger = logging.getLogger(__name__)

PREFIX = '/jit_kanban/api/v1/'
DATABASE_HEADER = 'X-Odoo-Database'
MAX_BODY = 4096            # a scan request is a few dozen bytes
MAX_DRAIN = 1024 * 1024    # read (and drop) an oversized body up to this, so the client gets the 413
MAX_TRIES = 8
# concurrent scans of one card: the losers are retried on a fresh transaction;
# a unique violation is a twin request with the same idempotency key, which
# the retry replays
RETRIED = (errorcodes.LOCK_NOT_AVAILABLE, errorcodes.SERIALIZATION_FAILURE,
           errorcodes.DEADLOCK_DETECTED, errorcodes.UNIQUE_VIOLATION)
SCAN_FIELDS = ('result', 'card_id', 'barcode', 'state', 'order_model', 'order_id', 'order_name',
               'reason', 'message', 'event_id')
CARD_FIELDS = ('card_id', 'barcode', 'state', 'product_name', 'loop_name', 'location_name',
               'quantity', 'uom_name', 'waiting_reason', 'order_model', 'order_id', 'order_name')
STATUS_WORDS = {400: 'bad_request', 401: 'unauthorized', 403: 'forbidden', 404: 'not_found',
                405: 'method_not_allowed', 413: 'payload_too_large', 500: 'server_error',
                503: 'unavailable'}
DB_UNREACHABLE = 'jit_kanban.database_unreachable'


class ApiError(Exception):
    def __init__(self, status, message, headers=None):
        super(ApiError, self).__init__(message)
        self.status, self.message, self.headers = status, message, headers or []


class DeviceResponse(http.Response):
    """A JSON answer that never carries Odoo's session cookie (an Odoo
    Response: the route decorator would convert any other)."""
    default_mimetype = 'application/json'

    def set_cookie(self, key, *args, **kwargs):
        if key != 'session_id':
            super(DeviceResponse, self).set_cookie(key, *args, **kwargs)


def json_response(status, payload, headers=None):
    # Odoo's dispatch writes into the session (e.g. a GeoIP look-up): drop it
    request.session.modified = False
    response = DeviceResponse(json.dumps(payload), status=status, headers=headers)
    response.headers['Cache-Control'] = 'no-store'
    return response


def error_response(status, message, headers=None):
    return json_response(status, {'error': {'code': status, 'error': STATUS_WORDS[status],
                                            'message': message}}, headers)


def unavailable_response(message):
    """503 with Retry-After, as the web client's outage answer: a handheld
    keeps its scan and sends it again with the same idempotency key."""
    return error_response(503, message, [('Retry-After', str(RETRY_AFTER_SECONDS))])


def _is_device_path(httprequest):
    return httprequest.path.startswith(PREFIX)


class DeviceRequest(http.HttpRequest):
    """An API request: the endpoint reads the body itself, within its limit
    (no form parsing, no JSON-RPC envelope); routing errors and an
    unavailable database are JSON answers."""

    def __init__(self, httprequest):
        http.WebRequest.__init__(self, httprequest)
        self.params = {}
        self.database_given = self.db

    def _handle_exception(self, exception):
        self._failed = exception  # nothing is committed
        if not self.db:
            # no database for this request (so no translation): none could
            # be reached, or the header names one this server does not serve
            unknown = (self.httprequest.headers.get(DATABASE_HEADER) and not self.database_given
                       and not self.httprequest.environ.get(DB_UNREACHABLE))
            if unknown:
                return error_response(404, 'This server serves no such database.')
            return unavailable_response('The database is unavailable: try again.')
        status = getattr(exception, 'code', None)
        if status in STATUS_WORDS and status < 500:
            return error_response(status, _('No such endpoint in the device API.')
                                  if status == 404 else str(exception))
        _logger.error('device API %s failed: %r', self.httprequest.path, exception)
        return error_response(500, _('The server could not answer (the error is logged).'))


def _install():
    """Hook ``odoo.http.Root`` once per process, for the API paths only."""
    root = http.Root
    if getattr(root, '_jit_kanban_device_api', False):
        return
    setup_db, get_request = root.setup_db, root.get_request

    def device_setup_db(self, httprequest):
        if not _is_device_path(httprequest):
            return setup_db(self, httprequest)
        # a device uses no session: a fresh one, never saved nor sent back
        httprequest.session = self.session_store.new()
        try:
            name = httprequest.headers.get(DATABASE_HEADER)
            if name:
                database = name if name in http.db_list(True, httprequest) else None
            else:
                database = http.db_monodb(httprequest)
        except psycopg2.Error:
            _logger.warning('device API: database server unreachable', exc_info=True)
            httprequest.environ[DB_UNREACHABLE] = True
            database = None
        httprequest.session.db = database

    def device_get_request(self, httprequest):
        if _is_device_path(httprequest):
            return DeviceRequest(httprequest)
        try:
            return get_request(self, httprequest)
        except werkzeug.exceptions.BadRequest:
            # a handheld's session route with a body that is not JSON:
            # a JSON answer, not Odoo's HTML page
            if not httprequest.path.startswith(KANBAN_ROUTES):
                raise
            # (werkzeug's own Response: Odoo's needs a request there is none of yet)
            raise werkzeug.exceptions.BadRequest(response=werkzeug.wrappers.Response(json.dumps(
                {'jsonrpc': '2.0', 'id': None, 'error': {
                    'code': 400, 'error': 'bad_request', 'message': BAD_REQUEST}}),
                status=400, content_type='application/json'))

    root.setup_db, root.get_request = device_setup_db, device_get_request
    root._jit_kanban_device_api = True


_install()


def _read_body():
    """The JSON object of the body, within MAX_BODY."""
    httprequest = request.httprequest
    length = httprequest.content_length
    if length is not None and length > MAX_BODY:
        stream, left = httprequest.stream, min(length, MAX_DRAIN)
        while left > 0 and stream.read(min(left, 65536)):
            left -= 65536
        raise ApiError(413, _('The body is over %d bytes.') % MAX_BODY)
    data = httprequest.stream.read(MAX_BODY + 1)
    if len(data) > MAX_BODY:
        raise ApiError(413, _('The body is over %d bytes.') % MAX_BODY)
    try:
        body = json.loads(data.decode('utf-8'))
    except ValueError:  # also bad UTF-8
        body = None
    if not isinstance(body, dict):
        raise ApiError(400, _('The body must be a JSON object, e.g. {"barcode": "JK000001"}.'))
    return body


def _authenticate():
    """The device of the bearer token; the request then acts as its user."""
    scheme, _sep, token = request.httprequest.headers.get('Authorization', '').partition(' ')
    token = token.strip()
    if scheme.lower() != 'bearer' or not token:
        raise ApiError(401, _('A device token is required: Authorization: Bearer <token>.'),
                       [('WWW-Authenticate', 'Bearer realm="jit_kanban"')])
    env = api.Environment(request.cr, SUPERUSER_ID, {})
    device = env['jit.kanban.device']._authenticate(token)
    if not device:
        raise ApiError(401, _('This device token is not valid (revoked, replaced or archived).'),
                       [('WWW-Authenticate', 'Bearer realm="jit_kanban", error="invalid_token"')])
    user = device.user_id
    request.uid = user.id
    request.context = dict(env['res.users'].sudo(user.id).context_get())
    if not request.env.user.has_group(access.OPERATOR):
        raise ApiError(403, _('The user this device acts as is not a Kanban Operator.'))
    if user.company_id != device.company_id:
        raise ApiError(403, _("The user this device acts as now works in another company "
                              "than the device's."))
    return device


def _with_retries(work):
    """Run ``work`` in the request's transaction, again on a fresh one when
    it loses a race (bounded, with a short random back-off)."""
    for attempt in range(MAX_TRIES):
        try:
            return work()
        except (psycopg2.OperationalError, psycopg2.IntegrityError) as error:
            if error.pgcode not in RETRIED or attempt == MAX_TRIES - 1:
                raise
            _logger.info('device API: %s, retry %d', errorcodes.lookup(error.pgcode), attempt + 1)
        request.cr.rollback()
        request.env.clear()
        time.sleep(random.uniform(0, 0.02 * 2 ** attempt))


def _serve(methods, work, with_body=False):
    """The frame of every endpoint: method, body, token, then ``work``."""
    httprequest = request.httprequest
    try:
        if httprequest.method not in methods:
            raise ApiError(405, _('Use %s here.') % ' or '.join(methods),
                           [('Allow', ', '.join(methods))])
        body = _read_body() if with_body else None

        def attempt():
            device = _authenticate()
            result = work(device, body)
            device._touch()
            return result
        return json_response(200, _with_retries(attempt))
    except ApiError as error:
        request._failed = error
        return error_response(error.status, error.message, error.headers)
    except (psycopg2.OperationalError, psycopg2.InterfaceError) as error:
        request._failed = error
        _logger.warning('device API %s: database unavailable: %s', httprequest.path, error)
        return unavailable_response(_('The server is busy or its database is unavailable: '
                                      'try again.'))
    except Exception as error:  # noqa: BLE001 - logged; the client gets a short answer
        request._failed = error
        _logger.exception('device API %s failed', httprequest.path)
        return error_response(500, _('The server could not answer (the error is logged).'))


def _public(answer, fields):
    return {key: (answer.get(key) if answer.get(key) is not False else None) for key in fields}


def _scan(device, body):
    answer = request.env['jit.kanban.card']._scan(
        body.get('barcode'), body.get('supermarket_id'), 'device', device=device,
        idempotency_key=body.get('idempotency_key'))
    return dict(_public(answer, SCAN_FIELDS), replayed=bool(answer.get('replayed')))


def _card(barcode):
    def look(device, body):
        answer = request.env['jit.kanban.card']._card_info(barcode)
        if answer['result'] == 'rejected':
            raise ApiError(404 if answer['reason'] == 'unknown_barcode' else 400,
                           answer['message'])
        return _public(answer, CARD_FIELDS)
    return look


class DeviceApiController(http.Controller):

    @http.route(PREFIX + 'scan', type='http', auth='none', csrf=False)
    def scan(self, **kwargs):
        """POST {"barcode", "supermarket_id"?, "idempotency_key"?}: the scan's answer."""
        return _serve(('POST',), _scan, with_body=True)

    @http.route(PREFIX + 'cards/<string:barcode>', type='http', auth='none', csrf=False)
    def card(self, barcode, **kwargs):
        """GET: the card's state and current order (nothing is written)."""
        return _serve(('GET',), _card(barcode))

    @http.route(PREFIX + '<path:unknown>', type='http', auth='none', csrf=False)
    def unknown(self, **kwargs):
        request._failed = True
        return error_response(404, _('No such endpoint in the device API.'))
