"""Every role, from outside, against a prefork server: each may do exactly
what its role allows; what is refused writes nothing and reveals nothing;
bad input gets a clean answer, never a traceback on the kanban routes."""
import json
import urllib.error

import pytest

SCANNERS = ('manager', 'operator')
OUTSIDERS = ('internal', 'portal')


def _counts(db_env, loop_id):
    """What a refused call must leave as it was: cards, events, orders."""
    with db_env() as env:
        loop = env['jit.kanban.loop'].browse(loop_id)
        return (sorted(loop.card_ids.mapped(lambda c: (c.barcode, c.state))),
                env['jit.kanban.event'].search_count([('loop_id', '=', loop_id)]),
                env['stock.picking'].search_count([('group_id.jit_kanban_loop_id', '=', loop_id)]),
                loop.last_signal_at)


def _error_name(answer):
    return answer.get('error', {}).get('data', {}).get('name')


@pytest.mark.parametrize('role', OUTSIDERS)
def test_outsiders_can_do_nothing_with_cards(clients, trust_factory, db_env, role):
    client, factory = clients[role], trust_factory
    loop_id = factory['loops']['active']
    barcode = factory['cards']['active'][0]
    before = _counts(db_env, loop_id)
    with db_env() as env:
        card_id = env['jit.kanban.card'].search([('barcode', '=', barcode)]).id
        event_id = env['jit.kanban.event'].search([], limit=1).id
    for answer in (client.call('jit.kanban.card', 'signal_barcode', barcode),
                   client.call('jit.kanban.card', 'action_signal', [card_id]),
                   client.call('jit.kanban.card', 'undo_signal', event_id),
                   client.call('jit.kanban.card', 'search_read', [], fields=['barcode']),
                   client.call('jit.kanban.loop', 'action_replenish', [loop_id]),
                   client.call('jit.kanban.event', 'search_read', [], fields=['barcode'])):
        assert _error_name(answer) == 'odoo.exceptions.AccessError', answer
    routed = client.post('/jit_kanban/signal', barcode=barcode)
    assert routed['result']['reason'] == 'forbidden' and 'debug' not in json.dumps(routed), routed
    # the handheld shows what is missing: the role, and nothing of the models
    assert routed['result']['message'] == 'Only Kanban Operators may signal or undo kanban cards.'
    undone = client.post('/jit_kanban/undo', event_id=event_id)['result']
    assert (undone['reason'], undone['message']) == (
        'forbidden', 'Only Kanban Operators may signal or undo kanban cards.'), undone
    assert _counts(db_env, loop_id) == before


def test_operator_cannot_run_manager_actions(clients, trust_factory, db_env):
    operator, factory = clients['operator'], trust_factory
    loop_id = factory['loops']['active']
    with db_env() as env:
        cards = env['jit.kanban.card'].search([('loop_id', '=', loop_id)])
    before = _counts(db_env, loop_id)
    for method, args in (('action_replenish', []), ('action_lock', []), ('action_activate', []),
                         ('action_apply_sizing', [])):
        answer = operator.call('jit.kanban.loop', method, [loop_id], *args)
        assert _error_name(answer) == 'odoo.exceptions.AccessError', (method, answer)
    for method, args in (('action_correct', ['empty', 'counted']), ('action_block', ['x']),
                         ('action_unblock', [])):
        answer = operator.call('jit.kanban.card', method, cards.ids, *args)
        assert _error_name(answer) == 'odoo.exceptions.AccessError', (method, answer)
    try:
        printed = operator.opener.open(
            operator.url + '/report/pdf/jit_kanban.report_kanban_card_a6/%d' % cards[0].id).read()
    except urllib.error.HTTPError as error:
        printed = error.read()
    assert not printed.startswith(b'%PDF')
    assert _counts(db_env, loop_id) == before
    with db_env() as env:
        assert set(env['jit.kanban.card'].browse(cards.ids).mapped('print_count')) <= {0}


def test_manager_and_operator_scan_and_see_only_their_company(clients, trust_factory, db_env):
    factory = trust_factory
    barcodes = factory['cards']['active']
    for role, barcode in zip(SCANNERS, barcodes):
        answer = clients[role].call('jit.kanban.card', 'signal_barcode', barcode)['result']
        assert (answer['result'], answer['order_model']) == ('accepted', 'stock.picking'), answer
    other = clients['other_company']
    seen = other.call('jit.kanban.card', 'search_read', [], fields=['barcode'])['result']
    assert not {card['barcode'] for card in seen} & set(barcodes)
    unknown = other.call('jit.kanban.card', 'signal_barcode', barcodes[4])['result']
    assert unknown['result'] == 'rejected' and unknown['reason'] == 'unknown_barcode'
    assert unknown['product_name'] is False and unknown['loop_name'] is False


def test_undo_of_another_companys_event_reveals_and_writes_nothing(clients, trust_factory,
                                                                   db_env):
    factory = trust_factory
    barcode = factory['cards']['active'][3]
    answer = clients['manager'].call('jit.kanban.card', 'signal_barcode', barcode)['result']
    assert answer['result'] == 'accepted'
    loop_id = factory['loops']['active']
    before = _counts(db_env, loop_id)
    with db_env() as env:
        events = env['jit.kanban.event'].search([('loop_id', '=', loop_id)]).ids
    for event_id in events + [answer['event_id']]:
        undo = clients['other_company'].call('jit.kanban.card', 'undo_signal', event_id)['result']
        assert undo['result'] == 'rejected' and undo['reason'] == 'nothing_to_undo', undo
        assert not any(undo[key] for key in ('barcode', 'product_name', 'loop_name',
                                             'location_name', 'order_name', 'card_id')), undo
    # the operator of the same company sees it, but may only undo their own
    undo = clients['operator'].call('jit.kanban.card', 'undo_signal', answer['event_id'])['result']
    assert undo['reason'] == 'not_your_signal'
    assert _counts(db_env, loop_id) == before


@pytest.mark.parametrize('case,reason', [
    ('locked', 'loop_locked_because'), ('archived', 'loop_archived'), ('draft', 'loop_not_active'),
    ('retired', 'card_retired'), ('blocked', 'card_blocked'),
    ('other_supermarket', 'other_supermarket'),
])
def test_cards_that_may_not_be_ordered_are_refused_on_every_channel(
        clients, trust_factory, db_env, case, reason):
    factory, operator = trust_factory, clients['operator']
    barcode = {'retired': factory['retired'], 'blocked': factory['blocked']}.get(
        case, (factory['cards'].get(case) or [None])[0])
    loop_id = factory['loops'].get(case, factory['loops']['active'])
    station = factory['supermarket'] if case == 'other_supermarket' else False
    before = _counts(db_env, loop_id)
    answers = [
        operator.call('jit.kanban.card', 'signal_barcode', barcode, station,
                      origin='station')['result'],
        operator.post('/jit_kanban/signal', barcode=barcode.lower(),
                      station_location_id=station)['result'],
    ]
    for answer in answers:
        assert (answer['result'], answer['reason']) == ('rejected', reason), answer
    if case == 'retired':
        assert 'remove it from the floor' in answers[0]['message']
    after = _counts(db_env, loop_id)
    assert (after[0], after[2]) == (before[0], before[2]), 'a refused scan changed cards or orders'
    assert after[1] == before[1] + 2, 'each request leaves one event'


@pytest.mark.parametrize('barcode,station,key', [
    ('JK\x00001', False, None), ('JK\ud800', False, None), ('x' * 5000000, False, None),
    (['JK000001'], False, None), ({'a': 1}, False, None), ('JK000001', 'abc', None),
    ('JK000001', [1, 2], None), ('JK000001', {'id': 1}, None), ('JK000001', False, ['k']),
    ('JK000001', False, 'bad key with spaces'),
])
def test_bad_input_is_answered_cleanly_and_bounded(clients, trust_factory, db_env, barcode,
                                                   station, key):
    operator = clients['operator']
    for answer in (operator.call('jit.kanban.card', 'signal_barcode', barcode, station,
                                 idempotency_key=key),
                   operator.post('/jit_kanban/signal', barcode=barcode,
                                 station_location_id=station, idempotency_key=key)):
        assert 'error' not in answer and answer['result']['result'] == 'rejected', \
            str(answer)[:500]
        assert len(answer['result']['message']) < 300
    with db_env() as env:
        event = env['jit.kanban.event'].search([('event_type', '=', 'reject')], limit=1,
                                               order='id desc')
        assert event.user_id.login == trust_factory['users']['operator']
        assert len(event.barcode or '') <= 128 and '\x00' not in (event.barcode or '')


def test_bad_ids_to_undo_and_card_routes(clients):
    operator = clients['operator']
    for event_id in ('abc', [1], {'id': 1}, -5, 2 ** 40, None):
        for answer in (operator.call('jit.kanban.card', 'undo_signal', event_id),
                       operator.post('/jit_kanban/undo', event_id=event_id)):
            assert answer['result']['result'] == 'rejected', answer
    info = operator.post('/jit_kanban/card/%s' % ('x' * 300))
    assert info['result']['result'] == 'rejected' and info['result']['reason'] == 'barcode_too_long'


def test_admin_runs_manager_actions(clients, trust_factory, db_env):
    admin, factory = clients['admin'], trust_factory
    loop_id = factory['loops']['active']
    barcode = factory['cards']['active'][1]
    answer = admin.call('jit.kanban.card', 'signal_barcode', barcode)['result']
    assert answer['result'] in ('accepted', 'already_signalled'), answer
    for method in ('action_replenish', 'action_lock', 'action_unlock'):
        assert admin.call('jit.kanban.loop', method, [loop_id])['result'] is True, method
    with db_env() as env:
        loop = env['jit.kanban.loop'].browse(loop_id)
        assert loop.state == 'active'
        assert env['mail.tracking.value'].search_count([
            ('mail_message_id.res_id', '=', loop_id), ('mail_message_id.model', '=', 'jit.kanban.loop'),
            ('new_value_char', '=', 'Locked')]) == 1


def test_a_scan_wakes_the_live_boards_once_committed(clients, trust_factory, db_env):
    """The scan writes the boards' bus row in its own statement: the row is
    committed and the long-polling listeners are woken, as Odoo's bus does."""
    import select
    import odoo
    barcode = trust_factory['cards']['other_supermarket'][0]
    # Odoo's bus listens on the 'postgres' database (see bus.bus.sendmany)
    listener = odoo.sql_db.db_connect('postgres').cursor()
    try:
        listener.autocommit(True)
        listener.execute('LISTEN imbus')
        with db_env() as env:
            rows_before = env['bus.bus'].search_count([('channel', '=', '"jit_kanban_board"')])
        answer = clients['operator'].call('jit.kanban.card', 'signal_barcode', barcode)['result']
        assert answer['result'] == 'accepted', answer
        connection, payloads = listener._cnx, []
        for _attempt in range(20):
            if select.select([connection], [], [], 0.5)[0]:
                connection.poll()
                payloads += [json.loads(note.payload) for note in connection.notifies]
                del connection.notifies[:]
            if ['jit_kanban_board'] in payloads:
                break
        assert ['jit_kanban_board'] in payloads, payloads
        with db_env() as env:
            rows = env['bus.bus'].search([('channel', '=', '"jit_kanban_board"')],
                                         order='id desc', limit=1)
            assert env['bus.bus'].search_count([('channel', '=', '"jit_kanban_board"')]) > rows_before
            assert json.loads(rows.message) == {'kind': 'board'}
    finally:
        listener.close()


def test_a_handheld_whose_session_expired_is_told_to_log_in_again(clients, trust_factory,
                                                                   db_env, prefork_server):
    """No traceback, no "server error": a session that is gone (logged out,
    expired, never made) is an answer the handheld acts on."""
    loop_id = trust_factory['loops']['active']
    barcode = trust_factory['cards']['active'][2]
    before = _counts(db_env, loop_id)
    handheld = type(clients['operator'])(prefork_server, trust_factory['database'],
                                         trust_factory['users']['operator'])
    handheld.post('/web/session/destroy')
    for path, params in (('/jit_kanban/signal', {'barcode': barcode}),
                         ('/jit_kanban/undo', {'event_id': 1}),
                         ('/jit_kanban/card/%s' % barcode, {})):
        answer = handheld.post(path, **params)
        assert answer.get('error') == {'code': 401, 'error': 'session_expired',
                                       'message': 'Your session has expired: log in again.'}, answer
    assert _counts(db_env, loop_id) == before


def test_a_kanban_route_used_wrongly_answers_in_json(clients, trust_factory, prefork_server):
    """A body that is not JSON, or the route opened as a web page: a JSON
    400 a handheld can read, not Odoo's HTML page."""
    import urllib.request
    opener = clients['operator'].opener
    for data, headers, method in ((b'{"jsonrpc": "2.0", "params": {', {'Content-Type':
                                                                       'application/json'}, 'POST'),
                                  (None, {}, 'GET')):
        request = urllib.request.Request(prefork_server + '/jit_kanban/signal', data, headers,
                                         method=method)
        try:
            with opener.open(request, timeout=60) as response:
                status, body = response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            status, body = error.code, error.read().decode()
        assert body.startswith('{'), (method, status, body[:300])
        answer = json.loads(body)
        assert (status, answer['error']['code'], answer['error']['error']) == \
            (400, 400, 'bad_request'), body
        assert 'Traceback' not in body and '<function' not in body
