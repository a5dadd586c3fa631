# Copyright 2026 jit_kanban authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Ride out a database restart without logging anybody out.

Odoo 11 treats any ``psycopg2.OperationalError`` met while checking the
registry at the start of a request as "this database is gone": it logs the
HTTP session out (``http.Root.dispatch``) and every tablet stays logged out
after the database is back.  During the outage clients get HTML 500 pages or
JSON errors carrying a psycopg2 traceback.

Here an unreachable database (connection refused or lost, server shutting
down or starting) is told apart from a missing or broken one and answered
with ``503 Service Unavailable`` and ``Retry-After``: a small JSON error for
JSON clients, a self-refreshing page for browsers.  The session is kept, so
clients carry on by themselves once the database answers again.
"""
import json
import logging
import sys

import psycopg2
import werkzeug.exceptions

from odoo import http, models

_logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 5
# admin_shutdown, crash_shutdown, cannot_connect_now (server starting or
# stopping), too_many_connections, and class 08: connection exceptions
_UNAVAILABLE_PGCODES = ('57P01', '57P02', '57P03', '53300')
_UNAVAILABLE_HTML = """<!DOCTYPE html><html><head><meta charset="utf-8">
<meta http-equiv="refresh" content="%(retry)d"><title>Database unavailable</title></head>
<body style="font-family: sans-serif; padding: 2em">
<h1>The database is unavailable for a moment</h1>
<p>This page retries by itself every %(retry)d seconds.</p></body></html>"""


def is_database_unavailable(error):
    """True when ``error`` (or what it was raised from) says the database
    server cannot be reached right now, as opposed to a faulty statement or a
    database that does not exist."""
    seen = set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        if isinstance(error, psycopg2.InterfaceError):  # connection already closed
            return True
        if isinstance(error, psycopg2.OperationalError):
            code = error.pgcode
            # no SQLSTATE: the client library lost or could not open the connection
            if code is None or code in _UNAVAILABLE_PGCODES or code.startswith('08'):
                return True
        error = error.__cause__ or error.__context__
    return False


class DatabaseUnavailable(werkzeug.exceptions.ServiceUnavailable):
    """503 with Retry-After: JSON-RPC error body for JSON clients."""
    description = 'database unavailable, retry'

    def __init__(self, json_request=False, request_id=None):
        super(DatabaseUnavailable, self).__init__()
        self.json_request = json_request
        self.request_id = request_id

    def get_headers(self, environ=None):
        mime = 'application/json' if self.json_request else 'text/html; charset=utf-8'
        return [('Content-Type', mime), ('Retry-After', str(RETRY_AFTER_SECONDS)),
                ('Cache-Control', 'no-store')]

    def get_body(self, environ=None):
        if not self.json_request:
            return _UNAVAILABLE_HTML % {'retry': RETRY_AFTER_SECONDS}
        return json.dumps({'jsonrpc': '2.0', 'id': self.request_id, 'error': {
            'code': 503, 'message': self.description,
            'data': {'name': 'jit_kanban.database_unavailable',
                     'message': self.description, 'retry_after': RETRY_AFTER_SECONDS}}})

    @classmethod
    def for_request(cls, environ, request=None):
        """The answer for this WSGI ``environ`` and, when there is one, Odoo
        request (``http.request`` is a proxy: no isinstance())."""
        jsonrequest = getattr(request, 'jsonrequest', None) if request is not None else None
        json_request = getattr(request, '_request_type', None) == 'json' or _wants_json(environ)
        return cls(json_request=json_request,
                   request_id=jsonrequest.get('id') if isinstance(jsonrequest, dict) else None)


def _first_line(error):
    return (str(error).strip().splitlines() or [type(error).__name__])[0]


def _wants_json(environ):
    """JSON-RPC calls, clients asking for JSON and the kanban HTTP API."""
    mime = (environ.get('CONTENT_TYPE') or '').split(';')[0].strip()
    return (mime in ('application/json', 'application/json-rpc')
            or 'application/json' in environ.get('HTTP_ACCEPT', '')
            or environ.get('PATH_INFO', '').startswith('/jit_kanban/'))


def _patch_http_layer():
    """Keep sessions through outages (see the module docstring)."""
    if getattr(http.Root.dispatch, '_jit_kanban_outage', False):
        return
    original_logout = http.OpenERPSession.logout
    original_dispatch = http.Root.dispatch

    def logout(self, keep_db=False):
        # Root.dispatch calls this while handling the registry check's error
        current = sys.exc_info()[1]
        if current is not None and is_database_unavailable(current):
            _logger.warning('Database unreachable (%s): session kept, answering 503', _first_line(current))
            raise DatabaseUnavailable.for_request(http.request.httprequest.environ, http.request)
        return original_logout(self, keep_db=keep_db)

    def dispatch(self, environ, start_response):
        try:
            return original_dispatch(self, environ, start_response)
        except Exception as error:  # e.g. closing a cursor whose connection died
            if not is_database_unavailable(error):
                raise
            _logger.warning('Database unreachable (%s): answering 503', _first_line(error))
            return DatabaseUnavailable.for_request(environ)(environ, start_response)

    dispatch._jit_kanban_outage = True
    http.OpenERPSession.logout = logout
    http.Root.dispatch = dispatch


_patch_http_layer()


class IrHttp(models.AbstractModel):
    _inherit = 'ir.http'

    @classmethod
    def _handle_exception(cls, exception):
        """An unreachable database during a request: 503, no traceback."""
        if is_database_unavailable(exception):
            request = http.request
            request._failed = exception  # no commit on the way out
            _logger.warning('Database unreachable during %s (%s): answering 503',
                            request.httprequest.path, _first_line(exception))
            environ = request.httprequest.environ
            return DatabaseUnavailable.for_request(environ, request).get_response(environ)
        return super(IrHttp, cls)._handle_exception(exception)
