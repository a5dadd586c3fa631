"""A database outage (restart, network cut) seen through a server of its own:
Odoo reaches PostgreSQL through a forwarder this test cuts for a few seconds.
Clients get a clean 503 (JSON for JSON clients, no traceback), nobody is
logged out, and the scan station sends the scan it kept by itself once the
database is back.  The shared cluster itself is never touched.
"""
import configparser
import json
import os
import socket
import threading
import time
import urllib.error
import uuid
import urllib.request
from http.cookiejar import CookieJar

from test_scan_station import JsonRpc, PANEL, login, open_station, read_card, restore_card, scan, \
    wait_result
from test_station_offline import OUTBOX, assert_no_dialog, full_cards, unexpected


class DatabaseForwarder(object):
    """127.0.0.1:<port> forwarded to the database server; ``cut()`` drops
    every connection and refuses new ones until ``restore()``."""

    def __init__(self, target):
        self.target = target  # a Unix socket path or (host, port)
        self.listener = socket.socket()
        self.listener.bind(('127.0.0.1', 0))
        self.listener.listen(64)
        self.port = self.listener.getsockname()[1]
        self.open = True
        self._lock = threading.Lock()
        self._links = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _connect(self):
        family = socket.AF_UNIX if isinstance(self.target, str) else socket.AF_INET
        upstream = socket.socket(family)
        upstream.connect(self.target)
        return upstream

    def _accept(self):
        while True:
            try:
                client, _address = self.listener.accept()
            except OSError:
                return  # closed
            try:
                if not self.open:
                    raise OSError('cut')
                upstream = self._connect()
            except OSError:
                client.close()
                continue
            with self._lock:
                self._links.append((client, upstream))
            for source, target in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(source, target), daemon=True).start()

    @staticmethod
    def _pump(source, target):
        try:
            while True:
                data = source.recv(65536)
                if not data:
                    break
                target.sendall(data)
        except OSError:
            pass
        for sock in (source, target):
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def cut(self):
        self.open = False
        with self._lock:
            links, self._links = self._links, []
        for link in links:
            for sock in link:
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                sock.close()

    def restore(self):
        self.open = True

    def close(self):
        self.cut()
        self.listener.close()


def database_target():
    """Where the test configuration's PostgreSQL listens."""
    parser = configparser.ConfigParser()
    parser.read(os.environ['JIT_KANBAN_ODOO_CONFIG'])
    host = parser.get('options', 'db_host', fallback='') or '/var/run/postgresql'
    port = int(parser.get('options', 'db_port', fallback='') or 5432)
    if host.startswith('/'):
        return os.path.join(host, '.s.PGSQL.%d' % port)
    return (host, port)


class SessionClient(object):
    """A client with an HTTP session cookie, like a tablet's browser."""

    def __init__(self, url):
        self.url = url
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))

    def post_json(self, path, params):
        body = json.dumps({'jsonrpc': '2.0', 'method': 'call', 'id': 7, 'params': params}).encode()
        request = urllib.request.Request(self.url + path, body, {'Content-Type': 'application/json'})
        return self._open(request)

    def get(self, path):
        return self._open(urllib.request.Request(self.url + path))

    def _open(self, request):
        try:
            with self.opener.open(request, timeout=60) as response:
                return response.status, dict(response.headers), response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), error.read().decode()

    def count_cards(self):
        return self.post_json('/web/dataset/call_kw/jit.kanban.card/search_count', {
            'model': 'jit.kanban.card', 'method': 'search_count', 'args': [[]], 'kwargs': {}})


def device_token(database, login):
    """A committed handheld of ``login`` and its bearer token."""
    import odoo
    with odoo.api.Environment.manage(), odoo.registry(database).cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        user = env['res.users'].search([('login', '=', login)])
        device = env['jit.kanban.device'].create({
            'name': 'Outage handheld %s' % uuid.uuid4().hex[:6], 'user_id': user.id,
            'company_id': user.company_id.id})
        return device._issue_token()


def device_scan(url, token, barcode, key):
    """(status, headers, JSON body) of a handheld's scan: no browser, no session."""
    body = json.dumps({'barcode': barcode, 'idempotency_key': key}).encode()
    request = urllib.request.Request(url + '/jit_kanban/api/v1/scan', body, {
        'Content-Type': 'application/json', 'Authorization': 'Bearer %s' % token})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, dict(response.headers), json.loads(response.read().decode())
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), json.loads(error.read().decode())


def test_database_outage_keeps_sessions_and_answers_503(start_own_server, page, page_errors,
                                                          request):
    database = request.config.getoption('--odoo-database')
    forwarder = DatabaseForwarder(database_target())
    request.addfinalizer(forwarder.close)
    url, stop = start_own_server('odoo-outage', extra_args=[
        '--db_host=127.0.0.1', '--db_port=%d' % forwarder.port])
    request.addfinalizer(stop)
    admin = JsonRpc(url, database, 'admin', 'admin')
    card, handheld_card = full_cards(admin, 2)
    request.addfinalizer(lambda: restore_card(url, database, admin, card['id']))
    request.addfinalizer(lambda: restore_card(url, database, admin, handheld_card['id']))
    token, key = device_token(database, 'operator'), uuid.uuid4().hex

    client = SessionClient(url)
    status, _headers, body = client.post_json('/web/session/authenticate', {
        'db': database, 'login': 'operator', 'password': 'operator'})
    assert status == 200 and json.loads(body)['result']['uid'], body
    status, _headers, body = client.count_cards()
    cards_seen = json.loads(body)['result']
    login(page, url, 'operator', 'operator')
    open_station(page, url)

    forwarder.cut()
    try:
        status, headers, body = client.count_cards()
        assert status == 503, (status, body)
        assert headers.get('Retry-After') and 'json' in headers.get('Content-Type', '')
        error = json.loads(body)['error']
        assert error['code'] == 503 and 'retry' in error['message'], error
        assert 'Traceback' not in body and 'psycopg2' not in body
        status, headers, body = client.get('/web')
        assert status == 503 and 'Traceback' not in body and 'unavailable' in body, (status, body)
        # a handheld without a browser: the device API's own 503, retry later
        status, headers, answer = device_scan(url, token, handheld_card['barcode'], key)
        assert status == 503 and headers.get('Retry-After'), (status, headers, answer)
        assert answer['error']['error'] == 'unavailable' and 'try again' in answer['error']['message']
        assert 'Traceback' not in json.dumps(answer)
        # the station keeps the scan on the tablet, amber, no error dialog
        scan(page, card['barcode'])
        page.wait_for_selector(OUTBOX + '[data-count="1"]')
        page.wait_for_selector(PANEL + '[data-result="offline"]')
        assert_no_dialog(page)
        time.sleep(2)  # a few seconds of outage in all
    finally:
        forwarder.restore()

    # back: the same session works without logging in again
    deadline = time.time() + 20
    while True:
        status, _headers, body = client.count_cards()
        if status == 200 or time.time() > deadline:
            break
        time.sleep(0.5)
    assert status == 200 and json.loads(body).get('result') == cards_seen, (status, body)
    # the handheld sends its scan again, same key: accepted once, nothing lost
    status, _headers, answer = device_scan(url, token, handheld_card['barcode'], key)
    assert status == 200 and answer['result'] == 'accepted', (status, answer)
    status, _headers, again = device_scan(url, token, handheld_card['barcode'], key)
    assert status == 200 and again['event_id'] == answer['event_id'], again
    assert read_card(admin, handheld_card['id'])['state'] in ('ordered', 'empty')
    # and the station sends its scan by itself
    wait_result(page, 'accepted', card['barcode'])
    assert page.get_attribute(OUTBOX, 'data-count') == '0'
    assert read_card(admin, card['id'])['state'] in ('ordered', 'empty')
    assert_no_dialog(page)
    assert unexpected(page_errors) == []
