"""Log in to the Odoo 11 backend in chromium: styled, no JS errors, and the
addon's "Kanban" app in the top menu."""
import os

ROOT_MENU_XMLID = 'jit_kanban.jit_kanban_root_menu'
# Odoo 11 community: top bar of root menus (overflow goes to a "More" dropdown)
NAVBAR = '#oe_main_menu_navbar'
TRANSPARENT = ('rgba(0, 0, 0, 0)', 'transparent')


def login(page, base_url, user='admin', password='admin'):
    page.goto(base_url + '/web/login')
    page.fill('input[name=login]', user)
    page.fill('input[name=password]', password)
    with page.expect_navigation():
        page.click('button[type=submit]')
    # the JS client is up once it has drawn the menu and the user menu
    page.wait_for_selector(NAVBAR + ' .oe_application_menu_placeholder > li', state='attached')
    page.wait_for_selector('.o_user_menu', state='attached')
    # then the first action is drawn and no RPC is pending ('networkidle' never
    # comes: the bus keeps a long-polling request open)
    page.wait_for_selector('.o_main_content > .o_content > *', state='attached')
    page.wait_for_function("!document.querySelector('.o_loading')"
                           " || !document.querySelector('.o_loading').offsetParent")


def test_admin_login_backend_styled_with_kanban_menu(odoo_server, page, page_errors, output_dir):
    login(page, odoo_server)
    assert '/web' in page.url and '/web/login' not in page.url, page.url

    # styled: the backend stylesheet bundle is linked and served ...
    css_links = page.eval_on_selector_all(
        'link[rel=stylesheet]', 'links => links.map(link => link.href)')
    backend_css = [href for href in css_links if 'web.assets_backend' in href]
    assert backend_css, 'no web.assets_backend stylesheet (lessc failing?): %s' % css_links
    for href in backend_css:
        response = page.request.get(href)
        assert response.status == 200, href
        assert len(response.body()) > 10000, href
    # ... and applied: the top bar is painted, not the browser default
    navbar_background = page.eval_on_selector(
        NAVBAR, 'nav => getComputedStyle(nav).backgroundColor')
    assert navbar_background not in TRANSPARENT

    # the addon's root menu is an app of the top menu, named "Kanban"
    menu = page.locator('%s a[data-menu-xmlid="%s"]' % (NAVBAR, ROOT_MENU_XMLID))
    apps = page.locator(NAVBAR + ' .oe_application_menu_placeholder > li > a .oe_menu_text')
    assert menu.count() == 1, 'top menu has no %s; apps: %s' % (
        ROOT_MENU_XMLID, [name.strip() for name in apps.all_text_contents()])
    assert menu.locator('.oe_menu_text').text_content().strip() == 'Kanban'
    if not menu.is_visible():  # moved into the "More" dropdown on narrow screens
        page.click('#menu_more_container > a')
    menu.wait_for(state='visible')
    menu.hover()

    page.screenshot(path=os.path.join(output_dir, 'backend_kanban_menu.png'))
    assert page_errors == []
    # a failed LESS compilation still serves the last good CSS, but the asset
    # bundle then sets this flag and opens a "Style error" dialog
    if page.evaluate('window.__assetsBundleErrorSeen === true'):
        page.wait_for_selector('.modal pre', timeout=10000)
        raise AssertionError('Style error: %s' % page.text_content('.modal pre'))
