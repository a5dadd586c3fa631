"""Odoo on the benchmark database, adapted for Python 3.11: transactions
that are always rolled back, and savepoints inside them."""
import contextlib
import itertools
import warnings

_savepoints = itertools.count()


class OdooSession:
    """The registry of one database.  Nothing is ever committed: every
    ``transaction()`` is rolled back, every ``rolled_back()`` block too."""

    def __init__(self, config, dbname):
        warnings.filterwarnings('ignore', message='pkg_resources is deprecated')
        from jit_kanban_runtime import adapter
        adapter.apply()
        import odoo
        odoo.tools.config.parse_config(['-c', config, '-d', dbname, '--log-level=warn',
                                        '--max-cron-threads=0'])
        self.odoo = odoo
        self.dbname = dbname
        self.registry = odoo.registry(dbname)

    @contextlib.contextmanager
    def transaction(self):
        """A superuser environment on a new cursor, rolled back at the end."""
        odoo = self.odoo
        with odoo.api.Environment.manage():
            cr = self.registry.cursor()
            try:
                yield odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
            finally:
                cr.rollback()
                cr.close()

    def vacuum(self):
        """Clear what earlier rolled-back transactions left behind (dead rows
        that every sequential scan would otherwise read again), as autovacuum
        does between real transactions.  Changes no data."""
        cr = self.odoo.sql_db.db_connect(self.dbname).cursor()
        try:
            cr.autocommit(True)
            cr.execute('VACUUM')
        finally:
            cr.close()


@contextlib.contextmanager
def rolled_back(env):
    """Run a block inside a savepoint that is always rolled back; the ORM
    caches are cleared afterwards so the next block starts cold."""
    name = 'jit_kanban_bench_%d' % next(_savepoints)
    env.cr.execute('SAVEPOINT "%s"' % name)
    try:
        yield
    finally:
        env.cr.execute('ROLLBACK TO SAVEPOINT "%s"' % name)
        env.clear()
