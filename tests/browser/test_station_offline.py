"""Never lose a scan: the station keeps scans on the tablet while the server
cannot be reached or the session has ended, then sends them in scan order
with their idempotency keys; long codes never push the controls off screen.

Real server, real database: the cards signalled here are taken back (Undo)
at the end of each test, so the tests can run again on the same database.
"""
import json
import os

from test_scan_station import (JsonRpc, PANEL, STATION, login, open_station, read_card,
                               restore_card, scan, wait_result)

SIGNAL_ROUTE = '**/web/dataset/call_kw/jit.kanban.card/signal_barcode'
OUTBOX = '.o_jit_station_outbox'
LANDSCAPE_TABLET = {'width': 1280, 'height': 800}
PORTRAIT_TABLET = {'width': 800, 'height': 1280}
# what the browser itself logs when a request fails or the session has ended
EXPECTED_CONSOLE = ('Failed to load resource', 'net::ERR_', 'Server application error')


def unexpected(page_errors):
    return [error for error in page_errors
            if not (error.startswith('console:') and any(text in error for text in EXPECTED_CONSOLE))]


def full_cards(admin, count):
    """Full cards of active loops ordering at once by manufacturing order."""
    cards = admin('jit.kanban.card', 'search_read',
                  [('state', '=', 'full'), ('active', '=', True),
                   ('loop_id.state', '=', 'active'),
                   ('loop_id.replenish_method', '=', 'manufacture'),
                   ('loop_id.trigger_policy', '=', 'immediate')],
                  fields=['barcode', 'location_id'], limit=count, order='id')
    assert len(cards) == count, 'the demo data has fewer than %d full cards to signal' % count
    return cards


def last_event_id(admin):
    last = admin('jit.kanban.event', 'search_read', [], fields=['id'], limit=1, order='id desc')
    return last[0]['id'] if last else 0


def outbox_items(page):
    return page.evaluate("""() => {
        const key = Object.keys(localStorage).find(k => k.startsWith('jit_kanban.scan_station.outbox.'));
        return key ? JSON.parse(localStorage.getItem(key)) : [];
    }""")


def assert_no_dialog(page):
    assert not page.locator('.modal:visible').count(), page.locator('.modal').all_inner_texts()


def test_scans_kept_on_the_tablet_while_the_server_is_away(odoo_server, page, page_errors, request,
                                                           output_dir):
    database = request.config.getoption('--odoo-database')
    admin = JsonRpc(odoo_server, database, 'admin', 'admin')
    cards = full_cards(admin, 3)
    for card in cards:
        request.addfinalizer(lambda card=card: restore_card(odoo_server, database, admin, card['id']))
    since = last_event_id(admin)

    login(page, odoo_server, 'operator', 'operator')
    open_station(page, odoo_server)
    # the server cannot be reached: the scans' calls fail at the network level
    page.route(SIGNAL_ROUTE, lambda route: route.abort('internetdisconnected'))
    scan(page, cards[0]['barcode'])
    scan(page, cards[1]['barcode'])
    # typed with stray blanks around it: trimmed on the tablet
    page.fill('.o_jit_station_input', '  %s \u0003' % cards[2]['barcode'])
    page.click('.o_jit_station_signal')

    page.wait_for_selector(OUTBOX + '[data-count="3"]')
    assert 'saved on this tablet' in page.inner_text(OUTBOX)
    assert '3 scans' in page.inner_text(OUTBOX)
    page.wait_for_selector(PANEL + '[data-result="offline"]')
    assert 'saved on this tablet' in page.inner_text(PANEL).lower()
    # amber, not the red of a refused card; no error dialog
    assert page.eval_on_selector(PANEL, 'p => getComputedStyle(p).backgroundColor') == \
        'rgb(255, 143, 0)'
    assert_no_dialog(page)
    page.screenshot(path=os.path.join(output_dir, 'station_saved_on_tablet.png'))
    queued = outbox_items(page)
    assert [item['barcode'] for item in queued] == [card['barcode'] for card in cards]
    assert len({item['key'] for item in queued}) == 3
    assert all(read_card(admin, card['id'])['state'] == 'full' for card in cards)

    # a reload (tablet restarted) keeps them, still waiting
    page.reload()
    page.wait_for_selector(STATION)
    page.wait_for_selector(OUTBOX + '[data-count="3"]')
    assert page.locator('.o_jit_station_row_saved').count() == 3
    assert [item['key'] for item in outbox_items(page)] == [item['key'] for item in queued]

    # the server answers again: sent in scan order with their keys, each
    # answer in the history
    sent = []
    page.on('request', lambda req: 'signal_barcode' in req.url and sent.append(
        json.loads(req.post_data)['params']['kwargs']['idempotency_key']))
    page.unroute(SIGNAL_ROUTE)
    page.evaluate("window.dispatchEvent(new Event('online'))")  # the tablet's network is back
    page.wait_for_selector(OUTBOX + '[data-count="0"]', state='attached', timeout=30000)
    wait_result(page, 'accepted', cards[2]['barcode'])
    rows = page.locator('.o_jit_station_history tr')
    assert rows.count() == 3
    for row, card in zip(range(3), reversed(cards)):  # newest first
        assert card['barcode'] in rows.nth(row).inner_text()
        assert 'o_jit_station_row_accepted' in rows.nth(row).get_attribute('class')
    assert outbox_items(page) == []
    assert sent == [item['key'] for item in queued]

    events = admin('jit.kanban.event', 'search_read',
                   [('id', '>', since), ('card_id', 'in', [card['id'] for card in cards]),
                    ('event_type', '=', 'signal')],
                   fields=['card_id', 'event_type'], order='id')
    assert [(event['card_id'][0], event['event_type']) for event in events] == \
        [(card['id'], 'signal') for card in cards]
    orders = [read_card(admin, card['id'])['production_id'] for card in cards]
    assert all(orders) and len({order[0] for order in orders}) == 3, orders
    assert_no_dialog(page)
    assert unexpected(page_errors) == []


def test_session_lost_asks_to_log_in_and_keeps_the_scan(odoo_server, page, page_errors, request):
    database = request.config.getoption('--odoo-database')
    admin = JsonRpc(odoo_server, database, 'admin', 'admin')
    card = full_cards(admin, 1)[0]
    request.addfinalizer(lambda: restore_card(odoo_server, database, admin, card['id']))

    login(page, odoo_server, 'operator', 'operator')
    open_station(page, odoo_server)
    page.context.clear_cookies()  # the session is gone (expired, server-side logout)
    scan(page, card['barcode'])
    page.wait_for_selector(PANEL + '[data-result="login"]')
    assert 'log in again' in page.inner_text(PANEL).lower()
    assert page.get_attribute(OUTBOX, 'data-count') == '1'
    assert [item['barcode'] for item in outbox_items(page)] == [card['barcode']]
    assert read_card(admin, card['id'])['state'] == 'full'
    assert_no_dialog(page)

    with page.expect_navigation():
        page.click('.o_jit_station_login')
    assert '/web/login' in page.url
    # another user of the tablet does not send the operator's scan as theirs
    page.fill('input[name=login]', 'manager')
    page.fill('input[name=password]', 'manager')
    with page.expect_navigation():
        page.click('button[type=submit]')
    open_station(page, odoo_server)
    assert page.get_attribute(OUTBOX, 'data-count') == '0'
    page.wait_for_timeout(1500)  # what a flush would take
    assert read_card(admin, card['id'])['state'] == 'full'
    page.goto(odoo_server + '/web/session/logout')
    page.wait_for_selector('input[name=login]')
    page.fill('input[name=login]', 'operator')
    page.fill('input[name=password]', 'operator')
    page.click('button[type=submit]')
    # back on the station, which sends the saved scan by itself
    page.wait_for_selector(STATION)
    wait_result(page, 'accepted', card['barcode'])
    assert page.get_attribute(OUTBOX, 'data-count') == '0'
    assert read_card(admin, card['id'])['state'] in ('ordered', 'empty')
    assert unexpected(page_errors) == []


LONG_CODES = [
    '(01)04012345678901(17)261231(10)AB12CD34',  # GS1, 39 characters
    'SUPPLIER=ACME-INDUSTRIES;PART=4711-0815-X;QTY=00250',  # supplier QR, 51 characters
]


def assert_fits(page):
    metrics = page.evaluate("""() => {
        const rect = s => { const r = document.querySelector(s).getBoundingClientRect();
                            return [r.left, r.right, r.top, r.width, r.height]; };
        const station = document.querySelector('.o_jit_station');
        return {inner: innerWidth, page: document.documentElement.scrollWidth,
                station: station.scrollWidth, stationBox: station.clientWidth,
                exit: rect('.o_jit_station_exit'), select: rect('.o_jit_station_location'),
                history: rect('.o_jit_station_recent'), panel: rect('.o_jit_station_panel')};
    }""")
    assert metrics['page'] <= metrics['inner'], metrics
    assert metrics['station'] <= metrics['stationBox'], metrics
    for name in ('exit', 'select', 'history', 'panel'):
        left, right, _top, width, height = metrics[name]
        assert left >= 0 and right <= metrics['inner'] and width > 0 and height > 0, (name, metrics)
    assert page.locator('.o_jit_station_exit').is_visible()


def test_long_codes_stay_inside_the_screen(odoo_server, page, page_errors, output_dir):
    login(page, odoo_server, 'operator', 'operator')
    page.set_viewport_size(LANDSCAPE_TABLET)
    open_station(page, odoo_server)
    for code in LONG_CODES:
        scan(page, code)
        wait_result(page, 'rejected', code)
    assert_fits(page)
    page.screenshot(path=os.path.join(output_dir, 'station_long_code_landscape.png'))
    page.set_viewport_size(PORTRAIT_TABLET)
    page.wait_for_timeout(300)
    assert_fits(page)
    page.screenshot(path=os.path.join(output_dir, 'station_long_code_portrait.png'))
    assert unexpected(page_errors) == []


def test_server_error_keeps_the_scan(odoo_server, page, page_errors):
    """An HTTP 5xx (proxy, database restarting) is "not reached", not a refusal."""
    login(page, odoo_server, 'operator', 'operator')
    open_station(page, odoo_server)
    page.route(SIGNAL_ROUTE, lambda route: route.fulfill(status=503, body='{}'))
    scan(page, 'JKOUTBOX01')
    page.wait_for_selector(OUTBOX + '[data-count="1"]')
    page.wait_for_selector(PANEL + '[data-result="offline"]')
    item = outbox_items(page)[0]
    assert set(item) == {'key', 'barcode', 'location_id', 'scanned_at'}
    assert item['barcode'] == 'JKOUTBOX01' and len(item['key']) == 36
    assert not page.locator('.o_jit_station_row_rejected').count()
    assert_no_dialog(page)
    assert unexpected(page_errors) == []
