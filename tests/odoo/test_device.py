"""Scanning devices as a manager sets them up: a token shown once and kept
only as a hash, revoked at once; operators see no devices and no tokens."""
import hashlib

from odoo.exceptions import AccessError, ValidationError
from odoo.tests.common import SavepointCase


class TestDevice(SavepointCase):

    @classmethod
    def setUpClass(cls):
        super(TestDevice, cls).setUpClass()
        env = cls.env
        Users = env['res.users'].with_context(no_reset_password=True)
        cls.company = env.user.company_id

        def user(login, group):
            return Users.create({'name': login, 'login': login,
                                 'groups_id': [(6, 0, env.ref(group).ids)]})
        cls.manager = user('device-manager', 'jit_kanban.group_jit_kanban_manager')
        cls.operator = user('device-operator', 'jit_kanban.group_jit_kanban_operator')
        cls.clerk = user('device-clerk', 'base.group_user')
        cls.Device = env['jit.kanban.device'].sudo(cls.manager)
        cls.device = cls.Device.create({'name': 'Handheld 1', 'user_id': cls.operator.id})

    def test_a_new_token_is_shown_once_and_kept_as_a_hash(self):
        action = self.device.action_new_token()
        token = action['context']['default_token']
        self.assertEqual((action['res_model'], action['target']), ('jit.kanban.device.token', 'new'))
        dialog = self.env['jit.kanban.device.token'].sudo(self.manager).with_context(
            action['context']).default_get(['token', 'device_id'])
        self.assertEqual((dialog['token'], dialog['device_id']), (token, self.device.id))
        self.assertEqual(self.device.token_hint, token[:6])
        self.env.cr.execute("SELECT token_hash FROM jit_kanban_device WHERE id = %s",
                            (self.device.id,))
        self.assertEqual(self.env.cr.fetchone()[0], hashlib.sha256(token.encode()).hexdigest())
        self.env.cr.execute("SELECT count(*) FROM jit_kanban_device_token")
        self.assertEqual(self.env.cr.fetchone()[0], 0, 'the dialog is never saved')
        Device = self.env['jit.kanban.device']
        self.assertEqual(Device._authenticate(token), self.device)
        replaced = self.device.action_new_token()['context']['default_token']
        self.assertFalse(Device._authenticate(token), 'a new token replaces the old one')
        self.device.action_revoke()
        self.assertFalse(Device._authenticate(replaced))
        self.assertFalse(self.device.token_hint)

    def test_operators_see_no_devices_and_managers_no_hashes(self):
        with self.assertRaises(AccessError):
            self.env['jit.kanban.device'].sudo(self.operator).search([])
        with self.assertRaises(AccessError):
            self.device.sudo(self.operator).action_new_token()
        with self.assertRaises(AccessError):
            self.device.read(['token_hash'])

    def test_a_device_acts_as_an_operator_of_its_company(self):
        with self.assertRaises(ValidationError):
            self.Device.create({'name': 'Clerk handheld', 'user_id': self.clerk.id})
        other = self.env['res.company'].create({'name': 'Plant elsewhere'})
        with self.assertRaises(ValidationError):
            self.Device.sudo().create({'name': 'Elsewhere', 'user_id': self.operator.id,
                                       'company_id': other.id})
