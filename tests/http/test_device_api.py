"""The device API from outside, against a prefork server: handhelds with a
bearer token and no browser.  Only a valid token of a Kanban Operator's
device gets in; every scan is answered once, leaves one event of its device,
and a repeated or concurrent scan never makes a second order."""
import json
import os
import threading
import urllib.error
import urllib.request
import uuid

import pytest

SCAN = '/jit_kanban/api/v1/scan'
CONCURRENT_DEVICES = 8


class Api:
    """A handheld as the API sees it: plain HTTP, no cookie jar."""

    def __init__(self, url, token=None):
        self.url, self.token = url, token

    def call(self, method, path, body=None, data=None, headers=None):
        """(status, headers, decoded JSON body)."""
        headers = dict(headers or {})
        if self.token:
            headers['Authorization'] = 'Bearer %s' % self.token
        if body is not None:
            data = json.dumps(body).encode()
            headers.setdefault('Content-Type', 'application/json')
        req = urllib.request.Request(self.url + path, data, headers, method=method)
        try:
            with urllib.request.urlopen(req, timeout=120) as response:
                status, head, raw = response.status, response.headers, response.read()
        except urllib.error.HTTPError as error:
            status, head, raw = error.code, error.headers, error.read()
        assert head.get('Content-Type', '').startswith('application/json'), (status, raw[:300])
        assert 'Set-Cookie' not in head, head
        return status, head, json.loads(raw.decode())

    def scan(self, barcode, **extra):
        return self.call('POST', SCAN, dict(extra, barcode=barcode))


@pytest.fixture(scope='session')
def device_factory(trust_factory, db_env):
    """A loop of its own (the trust tests scan theirs) and devices, each with
    a token, committed for the server to see."""
    factory = trust_factory
    tag = uuid.uuid4().hex[:6]
    with db_env() as env:
        users = {role: env['res.users'].search([('login', '=', login)])
                 for role, login in factory['users'].items()}
        template = env['jit.kanban.loop'].browse(factory['loops']['active'])
        product = env['product.product'].create({'name': 'Device API %s' % tag, 'type': 'product'})
        loop = env['jit.kanban.loop'].create({
            'product_id': product.id, 'location_id': factory['supermarket'],
            'replenish_method': 'transfer', 'source_location_id': template.source_location_id.id,
            'container_qty': 5, 'card_count': 4, 'company_id': template.company_id.id})
        loop.action_activate()
        Users = env['res.users'].with_context(no_reset_password=True)
        operators = env.ref('jit_kanban.group_jit_kanban_operator')
        demoted = Users.create({'name': 'Demoted %s' % tag, 'login': 'demoted-%s' % tag,
                                'groups_id': [(6, 0, operators.ids)]})
        plant_b = users['other_company'].company_id
        # works in both plants, now in plant A: its plant B device must not scan
        switched = Users.create({
            'name': 'Switched %s' % tag, 'login': 'switched-%s' % tag,
            'company_id': template.company_id.id,
            'company_ids': [(6, 0, (template.company_id | plant_b).ids)],
            'groups_id': [(6, 0, operators.ids)]})
        Device = env['jit.kanban.device']

        def device(name, user, company=template.company_id):
            return Device.create({'name': '%s %s' % (name, tag), 'user_id': user.id,
                                  'company_id': company.id})
        devices = {'operator': device('operator', users['operator']),
                   'other_company': device('plant B', users['other_company'],
                                           users['other_company'].company_id),
                   'revoked': device('revoked', users['operator']),
                   'archived': device('archived', users['operator']),
                   'demoted': device('demoted', demoted),
                   'switched': device('switched', switched, plant_b)}
        devices.update({'crowd%d' % n: device('crowd %d' % n, users['manager' if n % 2 else 'operator'])
                        for n in range(CONCURRENT_DEVICES)})
        tokens = {name: record._issue_token() for name, record in devices.items()}
        devices['revoked'].action_revoke()
        devices['archived'].active = False
        demoted.groups_id = [(6, 0, env.ref('base.group_user').ids)]
        return {'tokens': tokens, 'devices': {name: d.id for name, d in devices.items()},
                'loop': loop.id, 'cards': loop.card_ids.sorted('sequence').mapped('barcode'),
                'operator_login': users['operator'].login, 'database': factory['database']}


def _loop_facts(db_env, loop_id):
    """Cards, events and transfers of the loop."""
    with db_env() as env:
        loop = env['jit.kanban.loop'].browse(loop_id)
        return (sorted(loop.card_ids.mapped(lambda c: (c.barcode, c.state))),
                env['jit.kanban.event'].search_count([('loop_id', '=', loop_id)]),
                env['stock.picking'].search_count([('group_id.jit_kanban_loop_id', '=', loop_id)]))


def _session_files():
    import odoo
    folder = odoo.tools.config.session_dir
    return sorted(os.listdir(folder)) if os.path.isdir(folder) else []


def _is_error(answer, status, word):
    return answer == {'error': {'code': status, 'error': word, 'message': answer['error']['message']}}


def test_only_a_valid_operator_device_token_gets_in(prefork_server, device_factory, db_env):
    factory = device_factory
    barcode = factory['cards'][0]
    before = _loop_facts(db_env, factory['loop'])
    sessions = _session_files()
    for token in (None, 'not-a-token', factory['tokens']['revoked'],
                  factory['tokens']['archived'], factory['tokens']['operator'][:-1]):
        status, head, answer = Api(prefork_server, token).scan(barcode)
        assert status == 401 and _is_error(answer, 401, 'unauthorized'), (token, answer)
        assert head['WWW-Authenticate'].startswith('Bearer')
    for name in ('demoted', 'switched'):
        status, _head, answer = Api(prefork_server, factory['tokens'][name]).scan(barcode)
        assert status == 403 and _is_error(answer, 403, 'forbidden'), (name, answer)
    # a session cookie of a logged-in user is no way in either
    status, _head, answer = Api(prefork_server).call(
        'POST', SCAN, {'barcode': barcode}, headers={'Cookie': 'session_id=whatever'})
    assert status == 401
    status, _head, answer = Api(prefork_server, factory['tokens']['operator']).call(
        'GET', '/jit_kanban/api/v1/cards/%s' % barcode)
    assert status == 200 and answer['state'] == 'full'
    assert _session_files() == sessions, 'a device request makes no session'
    assert _loop_facts(db_env, factory['loop']) == before
    # a token is not a password
    login = json.dumps({'jsonrpc': '2.0', 'method': 'call', 'params': {
        'db': factory['database'], 'login': factory['operator_login'],
        'password': factory['tokens']['operator']}}).encode()
    with urllib.request.urlopen(urllib.request.Request(
            prefork_server + '/web/session/authenticate', login,
            {'Content-Type': 'application/json'}), timeout=60) as response:
        session = json.loads(response.read().decode())
    assert not (session.get('result') or {}).get('uid'), session


def test_a_scan_is_answered_once_and_a_repeat_replays_it(prefork_server, device_factory,
                                                         db_env):
    factory = device_factory
    barcode, device_id = factory['cards'][1], factory['devices']['operator']
    api = Api(prefork_server, factory['tokens']['operator'])
    status, _head, card = api.call('GET', '/jit_kanban/api/v1/cards/%s' % barcode.lower())
    assert status == 200 and (card['barcode'], card['state'], card['order_id']) == \
        (barcode, 'full', None), card
    key = uuid.uuid4().hex
    status, _head, first = api.scan(barcode, idempotency_key=key)
    assert status == 200 and first['result'] == 'accepted', first
    assert first['order_model'] == 'stock.picking' and first['order_name'] and not first['replayed']
    assert set(first) == {'result', 'card_id', 'barcode', 'state', 'order_model', 'order_id',
                          'order_name', 'reason', 'message', 'event_id', 'replayed'}
    after_first = _loop_facts(db_env, factory['loop'])
    status, _head, again = api.scan(barcode, idempotency_key=key)
    assert status == 200 and again == dict(first, replayed=True)
    assert _loop_facts(db_env, factory['loop']) == after_first, 'a replay writes nothing'
    status, _head, card = api.call('GET', '/jit_kanban/api/v1/cards/%s' % barcode)
    assert (card['state'], card['order_id'], card['order_name']) == \
        ('ordered', first['order_id'], first['order_name'])
    status, _head, answer = api.call('GET', '/jit_kanban/api/v1/cards/JK-NO-SUCH-CARD')
    assert status == 404 and _is_error(answer, 404, 'not_found'), answer
    # rejected scans are answers too, each with its one event
    answers = [api.scan(code)[2] for code in ('', 'JK-NO-SUCH-CARD', 'x' * 500)]
    assert [a['reason'] for a in answers] == ['empty_barcode', 'unknown_barcode',
                                              'barcode_too_long']
    with db_env() as env:
        events = env['jit.kanban.event'].search([('device_id', '=', device_id)])
        assert sorted(events.ids) == sorted([first['event_id']] + [a['event_id'] for a in answers])
        assert set(events.mapped('origin')) == {'device'}
        assert env['jit.kanban.device'].browse(device_id).last_used


def test_another_companys_device_learns_nothing_of_a_card(prefork_server, device_factory,
                                                          db_env):
    factory = device_factory
    barcode = factory['cards'][2]
    before = _loop_facts(db_env, factory['loop'])
    api = Api(prefork_server, factory['tokens']['other_company'])
    status, _head, answer = api.scan(barcode)
    assert status == 200 and (answer['result'], answer['reason']) == ('rejected', 'unknown_barcode')
    assert answer['card_id'] is None and answer['state'] is None and answer['order_name'] is None
    status, _head, answer = api.call('GET', '/jit_kanban/api/v1/cards/%s' % barcode)
    assert status == 404
    after = _loop_facts(db_env, factory['loop'])
    assert (after[0], after[2]) == (before[0], before[2])


def test_devices_scanning_one_card_at_once_make_one_order(prefork_server, device_factory, db_env):
    factory = device_factory
    barcode = factory['cards'][3]
    before = _loop_facts(db_env, factory['loop'])
    names = ['crowd%d' % n for n in range(CONCURRENT_DEVICES)]
    answers, start = {}, threading.Barrier(len(names))

    def scan(name):
        start.wait()
        answers[name] = Api(prefork_server, factory['tokens'][name]).scan(barcode)
    threads = [threading.Thread(target=scan, args=(name,)) for name in names]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(180)
    assert all(status == 200 for status, _head, _answer in answers.values()), answers
    results = sorted(answer['result'] for _status, _head, answer in answers.values())
    assert results == ['accepted'] + ['already_signalled'] * (len(names) - 1)
    assert _loop_facts(db_env, factory['loop'])[2] == before[2] + 1, 'one transfer for one card'
    with db_env() as env:
        events = env['jit.kanban.event'].search([
            ('device_id', 'in', [factory['devices'][name] for name in names])])
        assert sorted(events.ids) == sorted(a['event_id'] for _s, _h, a in answers.values()), \
            'one event per request'
        assert sorted(events.mapped('device_id').ids) == \
            sorted(factory['devices'][name] for name in names)
        assert set(events.mapped('origin')) == {'device'}


@pytest.mark.parametrize('method,path,data,headers,status,word', [
    ('POST', SCAN, b'{"barcode": "JK' + b'0' * 100000 + b'"}', {}, 413, 'payload_too_large'),
    ('POST', SCAN, b'{"barcode": "JK00', {'Content-Type': 'application/json'}, 400, 'bad_request'),
    ('POST', SCAN, b'["JK000001"]', {'Content-Type': 'application/json'}, 400, 'bad_request'),
    ('POST', SCAN, b'\xff\xfe', {'Content-Type': 'text/plain'}, 400, 'bad_request'),
    ('GET', SCAN, None, {}, 405, 'method_not_allowed'),
    ('DELETE', '/jit_kanban/api/v1/cards/JK000001', None, {}, 405, 'method_not_allowed'),
    ('GET', '/jit_kanban/api/v1/nothing/here', None, {}, 404, 'not_found'),
    ('POST', SCAN, b'{}', {'X-Odoo-Database': 'no_such_database'}, 404, 'not_found'),
])
def test_bad_requests_get_a_json_status(prefork_server, device_factory, method, path, data,
                                        headers, status, word):
    api = Api(prefork_server, device_factory['tokens']['operator'])
    got, _head, answer = api.call(method, path, data=data, headers=headers)
    assert got == status and _is_error(answer, status, word), answer


def test_the_database_header_selects_the_served_database(prefork_server, device_factory):
    api = Api(prefork_server, device_factory['tokens']['operator'])
    status, _head, answer = api.call('POST', SCAN, {'barcode': 'JK-NO-SUCH-CARD'},
                                     headers={'X-Odoo-Database': device_factory['database']})
    assert status == 200 and answer['reason'] == 'unknown_barcode'
