"""The production manager's cockpit in chromium, as the demo manager and the
demo operator: the Kanban app opens the live board, every menu entry of each
role opens without an error dialog, a scan made over RPC reaches an open
board, the shortage screen ranks a negative supermarket before a late order,
and the loop form compares planned and actual lead time with a chart.

The server commits for real: what a test changes it puts back."""
import os
import time
from datetime import datetime, timedelta

import pytest

from test_scan_station import JsonRpc, login, pick_full_card, restore_card

ROOT_MENU = 'jit_kanban.jit_kanban_root_menu'
BOARD = '.o_jit_kanban_board .o_jit_kanban_loop_card'
ERROR_DIALOG = '.modal .o_dialog_error, .modal .o_dialog_warning'
REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


@pytest.fixture(scope='module')
def odoo_env(request):
    """A superuser environment on the test database, committed per call."""
    import odoo
    database = request.config.getoption('--odoo-database')

    def run(function):
        with odoo.api.Environment.manage(), odoo.registry(database).cursor() as cr:
            result = function(odoo.api.Environment(cr, odoo.SUPERUSER_ID, {}))
            cr.commit()
        return result
    return run


@pytest.fixture(scope='module')
def cockpit(odoo_server, odoo_env):
    """The demo factory with its weeks of history (loaded once, kept)."""
    from data import load_demo_history
    odoo_env(load_demo_history.load)
    return odoo_server


def wait_idle(page):
    page.wait_for_function("!document.querySelector('.o_loading')"
                           " || !document.querySelector('.o_loading').offsetParent")


def shoot(page, path):
    """A screenshot once Odoo's "Loading" is gone and the charts are drawn."""
    wait_idle(page)
    time.sleep(0.6)
    page.screenshot(path=path)


def open_app(page):
    page.click('#oe_main_menu_navbar a[data-menu-xmlid="%s"]' % ROOT_MENU)
    page.wait_for_selector(BOARD)
    wait_idle(page)


def assert_no_error_dialog(page, what):
    time.sleep(0.4)  # an error dialog follows the failed call
    dialogs = page.locator(ERROR_DIALOG)
    assert not dialogs.count(), '%s: %s' % (what, dialogs.first.inner_text())


def walk_menus(page, output_dir, role):
    """Open every leaf of the Kanban app's menu; returns their xml ids."""
    login(page, page.base_url, role, role)
    if role == 'operator':
        # the operator's home is the scan station; its Exit leads to the Kanban app
        page.wait_for_selector('.o_jit_station[data-ready="1"]')
        assert not page.locator('#oe_main_menu_navbar').is_visible(), 'the station is full screen'
        page.click('.o_jit_station_exit')
        page.wait_for_selector(BOARD)
        wait_idle(page)
    else:
        open_app(page)
    root = page.get_attribute('#oe_main_menu_navbar a[data-menu-xmlid="%s"]' % ROOT_MENU, 'data-menu')
    leaves = page.eval_on_selector_all(
        '.oe_secondary_menu[data-menu-parent="%s"] a.oe_menu_leaf' % root,
        'links => links.map(link => link.dataset.menuXmlid)')
    assert leaves
    for xmlid in leaves:
        page.evaluate("document.querySelectorAll('.o_content > *').forEach(e => e.dataset.jitOld = '1')")
        page.click('.oe_secondary_menu a[data-menu-xmlid="%s"]' % xmlid)
        if xmlid == 'jit_kanban.jit_kanban_scan_station_menu':
            page.wait_for_selector('.o_jit_station[data-ready="1"]')
            assert_no_error_dialog(page, xmlid)
            page.click('.o_jit_station_exit')  # back to the Kanban app, not another app
            page.wait_for_selector(BOARD)
            wait_idle(page)
            assert page.locator('.oe_secondary_menu[data-menu-parent="%s"]' % root).is_visible()
            continue
        page.wait_for_function(
            """() => document.querySelector('.modal .o_dialog_error, .modal .o_dialog_warning')
                     || document.querySelector('.modal .o_form_view')
                     || Array.from(document.querySelectorAll('.o_content > *')).some(e => !e.dataset.jitOld)""")
        wait_idle(page)
        assert_no_error_dialog(page, '%s as %s' % (xmlid, role))
        if page.locator('.modal .o_form_view').count():  # a wizard (card audit): close it
            page.click('.modal .modal-header .close')
            page.wait_for_selector('.modal .o_form_view', state='detached')
    page.screenshot(path=os.path.join(output_dir, 'cockpit_menus_%s.png' % role))
    return leaves


@pytest.fixture
def base_page(page, cockpit):
    page.base_url = cockpit
    return page


def test_manager_opens_the_board_and_every_menu(base_page, page_errors, output_dir, odoo_env,
                                                publish_screenshot):
    page = base_page
    leaves = walk_menus(page, output_dir, 'manager')
    assert {'jit_kanban.jit_kanban_shortage_menu', 'jit_kanban.jit_kanban_event_menu_lead_time',
            'jit_kanban.jit_kanban_loop_menu', 'jit_kanban.stock_location_menu_supermarket_config'} \
        <= set(leaves)
    # the board: a colour picked from a tile's menu, the wall mode
    open_app(page)
    tile = page.locator(BOARD).first
    loop_id = int(tile.get_attribute('data-loop-id'))
    previous = odoo_env(lambda env: env['jit.kanban.loop'].browse(loop_id).color)
    colour = 9 if previous != 9 else 8
    try:
        tile.hover()
        tile.locator('.o_dropdown_kanban .dropdown-toggle').click()
        tile.locator('.oe_kanban_colorpicker a[data-color="%d"]' % colour).click()
        page.wait_for_selector('%s[data-loop-id="%d"].oe_kanban_color_%d' % (BOARD, loop_id, colour))
        assert odoo_env(lambda env: env['jit.kanban.loop'].browse(loop_id).color) == colour
    finally:
        odoo_env(lambda env: env['jit.kanban.loop'].browse(loop_id).write({'color': previous}))
    page.set_viewport_size({'width': 1600, 'height': 900})
    page.click('.o_jit_wall_toggle')
    page.wait_for_selector('body.o_jit_wall_mode .o_jit_wall_exit')
    assert not page.locator('.o_control_panel').is_visible()
    assert not page.locator('.o_sub_menu').is_visible()
    assert page.locator(BOARD).first.is_visible()
    shoot(page, os.path.join(output_dir, 'cockpit_wall.png'))
    page.click('.o_jit_wall_exit')
    page.wait_for_selector('.o_control_panel', state='visible')
    assert page_errors == []
    publish_screenshot(os.path.join(output_dir, 'cockpit_wall.png'), 'screenshot_wall.png')


def test_operator_opens_every_menu_and_a_loop(base_page, page_errors, output_dir):
    page = base_page
    leaves = walk_menus(page, output_dir, 'operator')
    assert 'jit_kanban.jit_kanban_scan_station_menu' in leaves
    assert 'jit_kanban.stock_location_menu_supermarket_config' not in leaves
    open_app(page)
    page.click(BOARD)  # a tap on a tile opens the loop
    page.wait_for_selector('.o_form_view')
    wait_idle(page)
    assert_no_error_dialog(page, 'loop form as operator')
    page.click('a[role=tab]:has-text("Performance")')
    assert page.locator('.o_form_view').get_by_text('Planned Lead Time (h)').is_visible()
    # and a card, from the cards board
    page.goto(page.base_url + '/web#action=jit_kanban.jit_kanban_card_action')
    page.click('.o_jit_kanban_cards .o_jit_kanban_card')
    page.wait_for_selector('.o_form_view')
    wait_idle(page)
    assert_no_error_dialog(page, 'card form as operator')
    assert page_errors == []


def test_a_scan_over_rpc_reaches_an_open_board(cockpit, page, page_errors, request):
    database = request.config.getoption('--odoo-database')
    admin = JsonRpc(cockpit, database, 'admin', 'admin')
    operator = JsonRpc(cockpit, database, 'operator', 'operator')
    card = pick_full_card(admin)
    loop_id = admin('jit.kanban.card', 'read', [card['id']], fields=['loop_id'])[0]['loop_id'][0]
    request.addfinalizer(lambda: restore_card(cockpit, database, admin, card['id']))
    login(page, cockpit, 'manager', 'manager')
    open_app(page)
    tile = '.o_jit_kanban_loop_card[data-loop-id="%d"]' % loop_id
    before = int(page.inner_text(tile + ' .o_jit_kanban_full'))
    operator('jit.kanban.card', 'signal_barcode', card['barcode'])
    started = time.time()
    page.wait_for_function(
        "([sel, before]) => +document.querySelector(sel + ' .o_jit_kanban_full').textContent === before - 1",
        arg=[tile, before], timeout=10000)
    assert time.time() - started < 10
    assert page_errors == []


def test_shortage_screen_ranks_negative_stock_before_a_late_order(
        cockpit, page, page_errors, odoo_env, output_dir, request, publish_screenshot):
    def break_floor(env):
        carton = env.ref('jit_kanban.loop_carton')
        gear = env.ref('jit_kanban.loop_gear_housing')
        Quant = env['stock.quant']
        on_hand = Quant._get_available_quantity(carton.product_id, carton.location_id,
                                                allow_negative=True)
        delta = -(on_hand + 10)
        Quant._update_available_quantity(carton.product_id, carton.location_id, delta)
        production = env['mrp.production'].search(
            [('jit_kanban_loop_id', '=', gear.id), ('state', 'not in', ('done', 'cancel'))], limit=1)
        assert production, 'the demo gear housing loop has an open order'
        previous = production.date_planned_finished
        production.date_planned_finished = datetime.utcnow() - timedelta(days=3)
        return carton.id, gear.id, delta, production.id, previous

    carton_id, gear_id, delta, production_id, previous = odoo_env(break_floor)

    def repair(env):
        carton = env['jit.kanban.loop'].browse(carton_id)
        env['stock.quant']._update_available_quantity(carton.product_id, carton.location_id, -delta)
        env['mrp.production'].browse(production_id).date_planned_finished = previous
    request.addfinalizer(lambda: odoo_env(repair))

    login(page, cockpit, 'manager', 'manager')
    page.goto('about:blank')
    page.goto(cockpit + '/web#action=jit_kanban.jit_kanban_shortage_action')
    page.wait_for_selector('.o_list_view tbody tr.o_data_row')
    wait_idle(page)
    headers = page.eval_on_selector_all(
        '.o_list_view thead th', 'cells => cells.map(cell => cell.innerText.trim())')
    rows = page.eval_on_selector_all(
        '.o_list_view tbody tr.o_data_row',
        'rows => rows.map(row => Array.from(row.cells).map(cell => cell.innerText.trim()))')
    carton_row = next(i for i, cells in enumerate(rows) if 'Shipping Carton' in ' '.join(cells))
    gear_row = next(i for i, cells in enumerate(rows) if 'Gear Housing' in ' '.join(cells))
    assert carton_row < gear_row, 'the negative supermarket is the higher risk: %s' % rows
    cell = lambda row, header: rows[row][headers.index(header)]  # noqa: E731
    assert float(cell(carton_row, 'On Hand')) == -10
    assert 'Count the supermarket' in cell(carton_row, 'What to Do')
    assert cell(gear_row, 'Orders Past Due') == '1'
    shoot(page, os.path.join(output_dir, 'cockpit_shortage.png'))
    assert page_errors == []
    publish_screenshot(os.path.join(output_dir, 'cockpit_shortage.png'), 'screenshot_shortage.png')


def test_loop_form_lead_time_planned_vs_actual_with_chart(
        cockpit, page, page_errors, odoo_env, output_dir, publish_screenshot):
    loop_id = odoo_env(lambda env: env.ref('jit_kanban.loop_bearing').id)
    login(page, cockpit, 'manager', 'manager')
    page.set_viewport_size({'width': 1400, 'height': 1000})
    page.goto('about:blank')
    page.goto(cockpit + '/web#id=%d&model=jit.kanban.loop&view_type=form' % loop_id)
    page.wait_for_selector('.o_form_view')
    page.click('a[role=tab]:has-text("Performance")')
    summary = page.inner_text('.o_jit_kanban_lead_summary')
    assert 'Planned 120.0 h' in summary and 'latest' in summary, summary
    assert 'No receipt yet' not in summary
    assert page.locator('.o_jit_kanban_no_receipt').is_hidden()
    shoot(page, os.path.join(output_dir, 'cockpit_loop_kpis.png'))
    page.click('button[name=action_open_lead_time_chart]')
    page.wait_for_selector('.o_graph svg .nv-line')
    wait_idle(page)
    points = page.locator('.o_graph svg .nv-point').count()
    assert points >= 4, 'one point per week with receipts: %d' % points
    assert '120.0 h' in page.inner_text('.o_control_panel .breadcrumb')
    shoot(page, os.path.join(output_dir, 'cockpit_lead_time_chart.png'))
    assert page_errors == []
    publish_screenshot(os.path.join(output_dir, 'cockpit_loop_kpis.png'), 'screenshot_loop_kpis.png')
    publish_screenshot(os.path.join(output_dir, 'cockpit_lead_time_chart.png'),
                       'screenshot_lead_time_chart.png')
