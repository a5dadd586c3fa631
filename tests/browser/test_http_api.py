"""The handheld-scanner API over real HTTP: login, signal, refuse, undo."""
import json
import urllib.request
from http.cookiejar import CookieJar


def _client(url, database, login, password):
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))

    def call(path, **params):
        body = json.dumps({'jsonrpc': '2.0', 'method': 'call', 'params': params}).encode()
        request = urllib.request.Request(url + path, body, {'Content-Type': 'application/json'})
        with opener.open(request, timeout=60) as response:
            answer = json.loads(response.read().decode())
        assert 'error' not in answer, answer.get('error')
        return answer['result']
    session = call('/web/session/authenticate', db=database, login=login, password=password)
    assert session.get('uid'), session
    return call


def _full_card(call):
    cards = call('/web/dataset/call_kw', model='jit.kanban.card', method='search_read',
                 args=[[('state', '=', 'full'), ('loop_id.replenish_method', '=', 'transfer')]],
                 kwargs={'fields': ['barcode'], 'limit': 1})
    assert cards, 'the demo factory has a full transfer card'
    return cards[0]['barcode']


def test_handheld_scanner_signals_over_http_and_undoes(odoo_server, request):
    database = request.config.getoption('--odoo-database')
    call = _client(odoo_server, database, 'operator', 'operator')
    barcode = _full_card(call)
    info = call('/jit_kanban/card/%s' % barcode)
    assert (info['result'], info['state']) == ('info', 'full')

    answer = call('/jit_kanban/signal', barcode=barcode)
    assert answer['result'] == 'accepted', answer
    assert answer['order_model'] == 'stock.picking' and answer['order_name']
    again = call('/jit_kanban/signal', barcode=barcode)
    assert again['result'] == 'already_signalled'
    assert again['order_id'] == answer['order_id']

    unknown = call('/jit_kanban/signal', barcode='NOT-A-CARD')
    assert unknown['result'] == 'rejected'
    assert unknown['message'] == 'Unknown card barcode "NOT-A-CARD"', unknown

    undone = call('/jit_kanban/undo', event_id=answer['event_id'])
    assert undone['result'] == 'accepted', undone
    assert call('/jit_kanban/card/%s' % barcode)['state'] == 'full'
