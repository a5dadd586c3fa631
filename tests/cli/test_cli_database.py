"""The database `jit-kanban test`/`demo` prepared is fit for the scheduler."""
import odoo
from odoo.tools import config


def test_no_module_is_left_pending_so_the_scheduler_runs():
    with odoo.api.Environment.manage(), odoo.registry(config['db_name']).cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        pending = env['ir.module.module'].search([('state', 'in', ('to install', 'to upgrade'))])
        assert not pending, pending.mapped('name')
        states = dict(env['ir.module.module'].search([
            ('name', 'in', ('jit_kanban', 'mrp', 'purchase'))]).mapped(lambda m: (m.name, m.state)))
        assert states == {'jit_kanban': 'installed', 'mrp': 'installed', 'purchase': 'installed'}
        cron = env.ref('jit_kanban.ir_cron_jit_kanban_replenish')
        assert cron.active and cron.interval_type == 'minutes'


def test_the_test_database_is_the_commands_own_and_updated_in_place():
    from jit_kanban_runtime import databases, pg
    conn = pg.Connection(config['db_host'], config['db_port'], config['db_user'],
                         config['db_password'] or None)
    found = databases.probe(conn, config['db_name'])
    assert (found.kind, found.addon_state, found.marker) == (
        databases.ODOO, 'installed', databases.CREATED)
    # running `jit-kanban test` again updates the addon in it, nothing else
    assert databases.decide(found) == databases.UPDATE
    # made before databases were marked, it is known by its stamp and by base
    # and jit_kanban installed in one run
    assert databases.made_by_earlier_command(conn, config['db_name'], stamped=True)
    assert not databases.made_by_earlier_command(conn, config['db_name'], stamped=False)
