"""A manager sets up a handheld in the web client: creates the device, gets
its token once in a dialog, the handheld uses it, then it is revoked."""
import json
import os
import urllib.error
import urllib.request
import uuid

from test_login import login


def _card_status(url, token):
    request = urllib.request.Request(url + '/jit_kanban/api/v1/cards/JK000001',
                                     headers={'Authorization': 'Bearer %s' % token})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, json.loads(response.read().decode())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read().decode())


def test_manager_creates_a_device_and_its_token_is_shown_once(odoo_server, page, page_errors,
                                                              output_dir):
    login(page, odoo_server)
    page.goto(odoo_server + '/web#action=jit_kanban.jit_kanban_device_action')
    page.click('.o_list_button_add')
    page.fill('.o_form_view .o_field_widget[name=name]', 'Handheld %s' % uuid.uuid4().hex[:6])
    page.fill('.o_form_view .o_field_widget[name=user_id] input', 'Olga')
    page.click('.ui-autocomplete a:has-text("Olga Operator")')
    page.click('.o_form_button_save')
    page.wait_for_selector('.o_form_view.o_form_readonly')

    page.locator('.o_statusbar_buttons button:visible:has-text("New Token")').click()
    dialog = page.locator('.modal-dialog:has(.o_field_widget[name=token])')
    token = dialog.locator('.o_field_widget[name=token]').text_content().strip()
    assert len(token) >= 40, token
    assert 'not shown again' in dialog.text_content()
    page.screenshot(path=os.path.join(output_dir, 'device_token_dialog.png'))
    dialog.locator('.modal-footer button:has-text("Done")').click()
    page.wait_for_selector('.o_form_view .o_field_widget[name=token_hint]:has-text("%s")'
                           % token[:6])
    status, card = _card_status(odoo_server, token)
    assert status == 200 and card['barcode'] == 'JK000001', card

    page.locator('.o_statusbar_buttons button:visible:has-text("Revoke")').click()
    page.click('.modal-footer .btn-primary')  # the confirmation
    page.wait_for_selector('.o_statusbar_buttons button:visible:has-text("Revoke")', state='detached')
    assert _card_status(odoo_server, token)[0] == 401
    assert page_errors == []
