"""Which database errors mean "unreachable, retry" (503, session kept) and
which are real faults (Odoo's usual handling), from errors psycopg2 really
raises."""
import json
import socket

import psycopg2
from odoo.exceptions import AccessDenied
from odoo.tests.common import TransactionCase
from odoo.addons.jit_kanban.models.ir_http_outage import DatabaseUnavailable, is_database_unavailable


def refused_connection_error():
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(('127.0.0.1', 0))
        port = sock.getsockname()[1]
    try:
        psycopg2.connect(host='127.0.0.1', port=port, dbname='none', connect_timeout=5)
    except psycopg2.OperationalError as error:
        return error
    raise AssertionError('a connection to a closed port succeeded')


class TestDatabaseUnavailable(TransactionCase):

    def test_unreachable_server_is_unavailable(self):
        self.assertTrue(is_database_unavailable(refused_connection_error()))

    def test_error_behind_authentication_is_unavailable(self):
        """Odoo turns an error while checking the session into AccessDenied."""
        try:
            try:
                raise refused_connection_error()
            except psycopg2.OperationalError:
                raise AccessDenied()
        except AccessDenied as denied:
            self.assertTrue(is_database_unavailable(denied))
        self.assertFalse(is_database_unavailable(AccessDenied()))

    def test_statement_errors_are_not_unavailable(self):
        with self.assertRaises(psycopg2.ProgrammingError) as caught, self.cr.savepoint():
            self.cr.execute('SELECT no_such_column FROM res_users')
        self.assertFalse(is_database_unavailable(caught.exception))
        # a lock not granted at once (55P03) is an OperationalError too
        with self.assertRaises(psycopg2.OperationalError) as caught, self.cr.savepoint():
            self.cr.execute("DO $$ BEGIN RAISE lock_not_available; END $$")
        self.assertEqual(caught.exception.pgcode, '55P03')
        self.assertFalse(is_database_unavailable(caught.exception))

    def test_json_answer_has_no_traceback(self):
        answer = DatabaseUnavailable(json_request=True, request_id=7).get_response({})
        self.assertEqual(answer.status_code, 503)
        self.assertTrue(answer.headers['Retry-After'])
        body = json.loads(answer.get_data(as_text=True))
        self.assertEqual(body['id'], 7)
        self.assertEqual(body['error']['code'], 503)
        self.assertNotIn('debug', body['error']['data'])
