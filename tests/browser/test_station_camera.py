"""The camera without a built-in BarcodeDetector (Safari on iPad, Firefox):
the station loads the vendored ZXing reader from this server and reads a real
Code 128 image shown to a stand-in camera."""
import json

from test_scan_station import JsonRpc, login, open_station, wait_result
from test_station_offline import unexpected

# a stand-in camera: a canvas stream showing the card's barcode as Odoo prints it
CAMERA_SHOWING = """
if (location.protocol.startsWith('http')) {
    delete window.BarcodeDetector;
    navigator.mediaDevices.getUserMedia = function () {
        const canvas = document.createElement('canvas');
        canvas.width = 640; canvas.height = 360;
        const ctx = canvas.getContext('2d');
        const image = new Image();
        image.src = %s;
        setInterval(() => {
            ctx.fillStyle = 'white';
            ctx.fillRect(0, 0, 640, 360);
            if (image.complete) { ctx.drawImage(image, 20, 80, 600, 200); }
        }, 100);
        return Promise.resolve(canvas.captureStream(10));
    };
}
"""


def test_camera_reads_a_card_without_built_in_detector(odoo_server, page, page_errors, request):
    database = request.config.getoption('--odoo-database')
    admin = JsonRpc(odoo_server, database, 'admin', 'admin')
    card = admin('jit.kanban.card', 'search_read',
                 [('state', 'in', ('empty', 'ordered')), ('loop_id.state', '=', 'active')],
                 fields=['barcode'], limit=1, order='id')[0]
    image = '/report/barcode/?type=Code128&value=%s&width=600&height=200' % card['barcode']
    page.add_init_script(CAMERA_SHOWING % json.dumps(image))
    fetched = []
    page.on('request', lambda req: fetched.append(req.url))

    login(page, odoo_server, 'operator', 'operator')
    open_station(page, odoo_server)
    assert page.evaluate("!('BarcodeDetector' in window)")
    camera = page.locator('.o_jit_station_camera')
    assert camera.get_attribute('data-available') == '1'
    camera.click()
    page.wait_for_selector('.o_jit_station_camera_box:not(.o_hidden) video')
    # read from the picture by the WebAssembly reader, then signalled (already)
    wait_result(page, 'already_signalled', card['barcode'])
    assert page.evaluate('!!window.BarcodeDetectionAPI')
    wasm = [url for url in fetched if url.endswith('.wasm')]
    assert wasm and all(url.startswith(odoo_server + '/jit_kanban/static/lib/barcode-detector/')
                        for url in wasm), wasm
    assert all(url.startswith(odoo_server) or url.startswith('data:') for url in fetched), \
        [url for url in fetched if not url.startswith(odoo_server)]
    page.click('.o_jit_station_camera_close')
    assert unexpected(page_errors) == []
