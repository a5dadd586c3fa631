"""The shop-floor scan station in chromium, as the demo operator: a keyboard
wedge scan of a full card (green, names the new order), an unknown barcode
(red), then Undo (the card is full again).

The server subprocess commits for real: the test picks a full card on each
run and its Undo returns it, so it can run again on the same database.
"""
import itertools
import json
import os
import time
import urllib.request

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
STATION_ACTION = 'jit_kanban.jit_kanban_scan_station_action'
STATION = '.o_jit_station[data-ready="1"]'
PANEL = '.o_jit_station_panel'
UNDO = '.o_jit_station_undo'
PORTRAIT = {'width': 800, 'height': 1280}
LANDSCAPE = {'width': 1366, 'height': 768}


class JsonRpc(object):
    """Odoo's external JSON-RPC API, as another user than the browser."""
    _ids = itertools.count(1)

    def __init__(self, url, db, login, password):
        self.url, self.db, self.password = url, db, password
        self.uid = self._call('common', 'login', db, login, password)
        assert self.uid, 'JSON-RPC login %s failed' % login

    def _call(self, service, method, *args):
        payload = {'jsonrpc': '2.0', 'method': 'call', 'id': next(self._ids),
                   'params': {'service': service, 'method': method, 'args': args}}
        request = urllib.request.Request(self.url + '/jsonrpc', json.dumps(payload).encode(),
                                         {'Content-Type': 'application/json'})
        with urllib.request.urlopen(request, timeout=60) as response:
            answer = json.load(response)
        if answer.get('error'):
            raise AssertionError('JSON-RPC %s.%s: %s' % (service, method, answer['error']))
        return answer['result']

    def __call__(self, model, method, *args, **kwargs):
        return self._call('object', 'execute_kw', self.db, self.uid, self.password,
                          model, method, list(args), kwargs)


def login(page, base_url, user, password):
    page.goto(base_url + '/web/login')
    page.fill('input[name=login]', user)
    page.fill('input[name=password]', password)
    with page.expect_navigation():
        page.click('button[type=submit]')
    assert '/web/login' not in page.url, 'login as %s failed' % user


def open_station(page, base_url, location_id=None):
    url = base_url + '/web#action=' + STATION_ACTION
    if location_id:
        url += '&location_id=%d' % location_id
    # a full page load: a hash change while the client still loads its
    # default action would race with it
    page.goto('about:blank')
    page.goto(url)
    page.wait_for_selector(STATION)
    page.wait_for_selector(PANEL + '[data-result="idle"]')


def scan(page, barcode):
    """A keyboard-wedge scanner: fast keystrokes then Enter, nothing focused."""
    page.evaluate('document.activeElement && document.activeElement.blur()')
    page.keyboard.type(barcode, delay=5)
    page.keyboard.press('Enter')


def wait_result(page, result, barcode):
    """The panel for this barcode's answer (the previous one may be the same colour)."""
    page.wait_for_function(
        """([result, barcode]) => {
            const panel = document.querySelector('.o_jit_station_panel');
            return panel && panel.dataset.result === result && panel.textContent.includes(barcode);
        }""", arg=[result, barcode])
    return page.locator(PANEL)


def settle(page):
    """Before a screenshot: Odoo's "Loading" gone (no networkidle: longpolling)."""
    page.wait_for_selector('.o_loading', state='hidden')
    time.sleep(0.6)


def pick_full_card(rpc):
    """A full card of an active loop ordering at once by manufacturing order."""
    cards = rpc('jit.kanban.card', 'search_read',
                [('state', '=', 'full'), ('active', '=', True),
                 ('loop_id.state', '=', 'active'),
                 ('loop_id.replenish_method', '=', 'manufacture'),
                 ('loop_id.trigger_policy', '=', 'immediate')],
                fields=['barcode', 'location_id', 'product_id'], limit=1, order='id')
    assert cards, 'no full card of an immediate manufacturing loop left in the demo data'
    return cards[0]


def read_card(rpc, card_id):
    return rpc('jit.kanban.card', 'read', [card_id],
               fields=['state', 'production_id', 'order_ref'])[0]


def restore_card(base_url, database, admin, card_id):
    """After a failure half-way: take the operator's signal back, so that the
    next run still finds full cards (the server commits for real)."""
    if read_card(admin, card_id)['state'] == 'full':
        return
    events = admin('jit.kanban.event', 'search_read',
                   [('card_id', '=', card_id), ('event_type', '=', 'signal')],
                   fields=['id'], limit=1, order='id desc')
    if events:
        operator = JsonRpc(base_url, database, 'operator', 'operator')
        operator('jit.kanban.card', 'undo_signal', events[0]['id'])


def test_operator_scans_a_card_then_undoes_it(odoo_server, page, page_errors, output_dir,
                                              request, publish_screenshot):
    database = request.config.getoption('--odoo-database')
    admin = JsonRpc(odoo_server, database, 'admin', 'admin')
    card = pick_full_card(admin)
    barcode = card['barcode']
    request.addfinalizer(lambda: restore_card(odoo_server, database, admin, card['id']))

    login(page, odoo_server, 'operator', 'operator')
    open_station(page, odoo_server, location_id=card['location_id'][0])
    # bound through the URL to the card's supermarket
    assert page.eval_on_selector('.o_jit_station_location', 'select => select.value') == \
        str(card['location_id'][0])
    assert card['location_id'][1] in page.locator(PANEL).inner_text()
    # the camera reads cards with or without a built-in BarcodeDetector
    assert page.get_attribute('.o_jit_station_camera', 'data-available') == '1'
    assert page.locator('.o_jit_station_input').is_visible()

    # 1. scanner: accepted, green, names the order the card has now
    scan(page, barcode)
    panel = wait_result(page, 'accepted', barcode)
    order_shown = page.get_attribute('.o_jit_station_order', 'data-order-name')
    assert order_shown and order_shown in panel.inner_text()
    assert card['product_id'][1] in panel.inner_text()
    after = read_card(admin, card['id'])
    assert after['state'] in ('ordered', 'empty'), after
    assert after['production_id'] and after['production_id'][1] == order_shown, \
        (after, order_shown)
    assert page.get_attribute(STATION, 'data-last-sound') == 'accepted'
    assert page.locator(UNDO).is_visible()
    assert barcode in page.locator(UNDO).inner_text()
    background = page.eval_on_selector(PANEL, 'panel => getComputedStyle(panel).backgroundColor')
    assert background == 'rgb(27, 135, 63)', background  # green: the stylesheet is there
    assert page.evaluate('document.activeElement.tagName') != 'INPUT'
    settle(page)
    page.screenshot(path=os.path.join(output_dir, 'station_accepted.png'))
    page.set_viewport_size(PORTRAIT)
    time.sleep(0.3)
    page.screenshot(path=os.path.join(output_dir, 'station_portrait.png'))
    page.set_viewport_size(LANDSCAPE)

    # 2. an unknown barcode: red with the reason; Undo of the good scan stays
    unknown = 'NOCARD%d' % (time.time() * 1000 % 10 ** 8)
    scan(page, unknown)
    panel = wait_result(page, 'rejected', unknown)
    assert 'unknown card barcode' in panel.inner_text().lower()
    assert page.get_attribute(STATION, 'data-last-sound') == 'rejected'
    rows = page.locator('.o_jit_station_history tr')
    assert rows.count() == 2
    assert unknown in rows.nth(0).inner_text() and barcode in rows.nth(1).inner_text()
    settle(page)
    page.screenshot(path=os.path.join(output_dir, 'station_rejected.png'))

    # 3. Undo: the card is full again, its order cancelled
    page.click(UNDO)
    panel = wait_result(page, 'undone', barcode)
    assert 'full again' in panel.inner_text()
    assert order_shown in panel.inner_text()  # withdrawn
    page.wait_for_selector(UNDO, state='detached')
    back = read_card(admin, card['id'])
    assert back['state'] == 'full' and not back['production_id'], back
    production = admin('mrp.production', 'read', [after['production_id'][0]], fields=['state'])
    assert production[0]['state'] == 'cancel', production
    settle(page)
    page.screenshot(path=os.path.join(output_dir, 'station_undone.png'))

    assert page_errors == []
    publish_screenshot(os.path.join(output_dir, 'station_accepted.png'), 'screenshot_station.png')
    publish_screenshot(os.path.join(output_dir, 'station_portrait.png'),
                       'screenshot_station_portrait.png')


def test_typed_entry_and_supermarket_memory(odoo_server, page, page_errors, output_dir,
                                           request):
    """Typed entry for a card that was already signalled (amber), and the
    bound supermarket remembered on the tablet."""
    database = request.config.getoption('--odoo-database')
    admin = JsonRpc(odoo_server, database, 'admin', 'admin')
    signalled = admin('jit.kanban.card', 'search_read',
                      [('state', 'in', ('empty', 'ordered')), ('loop_id.state', '=', 'active')],
                      fields=['barcode', 'location_id'], limit=1, order='id')
    assert signalled, 'the demo data has no signalled card'
    card = signalled[0]

    login(page, odoo_server, 'operator', 'operator')
    open_station(page, odoo_server, location_id=card['location_id'][0])
    settle(page)
    page.screenshot(path=os.path.join(output_dir, 'station_idle.png'))
    page.fill('.o_jit_station_input', card['barcode'])
    page.click('.o_jit_station_signal')
    panel = wait_result(page, 'already_signalled', card['barcode'])
    assert 'already' in panel.inner_text().lower()
    assert page.input_value('.o_jit_station_input') == ''
    assert not page.locator(UNDO).count()
    assert read_card(admin, card['id'])['state'] in ('empty', 'ordered')
    settle(page)
    page.screenshot(path=os.path.join(output_dir, 'station_already.png'))

    # reopened without location_id: still bound (localStorage)
    open_station(page, odoo_server)
    assert page.eval_on_selector('.o_jit_station_location', 'select => select.value') == \
        str(card['location_id'][0])
    # unbind: remembered too
    page.select_option('.o_jit_station_location', '')
    assert 'All supermarkets' in page.locator(PANEL).inner_text()
    page.reload()
    page.wait_for_selector(STATION)
    assert page.eval_on_selector('.o_jit_station_location', 'select => select.value') == ''
    assert page_errors == []


# A stand-in camera for headless chromium (no BarcodeDetector on desktop
# Linux): a canvas stream, and a detector that "reads" window.__jitCameraCode.
FAKE_CAMERA = """
if (location.protocol.startsWith('http')) {
window.BarcodeDetector = class {
    constructor(options) { window.__jitDetectorFormats = options.formats; }
    static getSupportedFormats() { return Promise.resolve(['code_128', 'qr_code', 'ean_13']); }
    detect(source) {
        return Promise.resolve(window.__jitCameraCode ? [{rawValue: window.__jitCameraCode}] : []);
    }
};
navigator.mediaDevices.getUserMedia = function () {
    const canvas = document.createElement('canvas');
    canvas.width = 320; canvas.height = 240;
    const ctx = canvas.getContext('2d');
    setInterval(() => { ctx.fillStyle = '#' + Math.floor(Math.random() * 4095).toString(16).padStart(3, '0');
                        ctx.fillRect(0, 0, 320, 240); }, 100);
    window.__jitStream = canvas.captureStream(10);
    return Promise.resolve(window.__jitStream);
};
}
"""


def test_camera_scan_with_barcode_detector(odoo_server, page, page_errors, request):
    """Where the browser has BarcodeDetector, the Camera button reads cards
    (code_128 / qr_code) every ~300 ms; one card in front of it is one scan."""
    database = request.config.getoption('--odoo-database')
    admin = JsonRpc(odoo_server, database, 'admin', 'admin')
    card = admin('jit.kanban.card', 'search_read',
                 [('state', 'in', ('empty', 'ordered')), ('loop_id.state', '=', 'active')],
                 fields=['barcode'], limit=1, order='id')[0]
    page.add_init_script(FAKE_CAMERA)
    login(page, odoo_server, 'operator', 'operator')
    open_station(page, odoo_server)
    camera = page.locator('.o_jit_station_camera')
    assert camera.get_attribute('data-available') == '1'
    assert camera.inner_text().strip() == 'Camera'
    camera.click()
    page.wait_for_selector('.o_jit_station_camera_box:not(.o_hidden) video')
    assert page.evaluate('window.__jitDetectorFormats') == ['code_128', 'qr_code']
    page.evaluate('code => { window.__jitCameraCode = code; }', card['barcode'])
    wait_result(page, 'already_signalled', card['barcode'])
    time.sleep(1.5)  # still in front of the camera: not signalled again
    page.evaluate('window.__jitCameraCode = null')
    assert page.locator('.o_jit_station_history tr').count() == 1
    page.click('.o_jit_station_camera_close')
    page.wait_for_selector('.o_jit_station_camera_box.o_hidden', state='attached')
    assert page.evaluate("window.__jitStream.getTracks().every(t => t.readyState === 'ended')")
    assert page_errors == []


def test_a_user_without_the_operator_role_is_told_before_scanning(odoo_server, page, page_errors,
                                                                  request):
    """An office user who opens the station sees at once that it is not for
    them; a scanner's code still reaching the server is refused in words."""
    database = request.config.getoption('--odoo-database')
    admin = JsonRpc(odoo_server, database, 'admin', 'admin')
    login_name = 'station-clerk-%d' % int(time.time() * 1000)
    employee = admin('ir.model.data', 'xmlid_to_res_id', 'base.group_user')
    admin('res.users', 'create', {'name': 'Office Clerk', 'login': login_name,
                                  'password': login_name, 'groups_id': [(6, 0, [employee])]})
    login(page, odoo_server, login_name, login_name)
    page.goto('about:blank')
    page.goto(odoo_server + '/web#action=' + STATION_ACTION)
    page.wait_for_selector(STATION)
    page.wait_for_selector(PANEL + '[data-result="rejected"]')
    assert 'Only Kanban Operators may use the scan station.' in page.inner_text(PANEL)
    assert page.is_disabled('.o_jit_station_input') and page.is_disabled('.o_jit_station_signal')
    scan(page, 'JK000001')
    page.wait_for_function("""() => document.querySelector('.o_jit_station_panel')
        .textContent.includes('may signal or undo')""")
    assert 'None' not in page.inner_text(PANEL)
    assert not page.locator('.modal:visible').count()
    # Odoo's RPC layer logs the refusal to the console itself
    assert [error for error in page_errors if 'Server application error' not in error] == []
