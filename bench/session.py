"""Odoo on the benchmark database, adapted for Python 3.11: transactions
that are always rolled back, and savepoints inside them; the few parts
that commit their data (a factory's loops exist before anyone scans) do it
through ``committed`` and archive it with ``retire``."""
import contextlib
import itertools
import warnings

import psycopg2.errors

_savepoints = itertools.count()


class DatabaseInUse(Exception):
    """The database has other connections: PostgreSQL cannot copy it."""


class OdooSession:
    """The registry of one database.  Every ``transaction()`` is rolled
    back, every ``rolled_back()`` block too; only ``committed()`` commits,
    and never on a test database."""

    def __init__(self, config, dbname, configure=True):
        warnings.filterwarnings('ignore', message='pkg_resources is deprecated')
        from jit_kanban_runtime import adapter
        adapter.apply()
        import odoo
        if configure:
            odoo.tools.config.parse_config(['-c', config, '-d', dbname, '--log-level=warn',
                                            '--max-cron-threads=0'])
        self.config = config
        self.odoo = odoo
        self.dbname = dbname
        self.registry = odoo.registry(dbname)

    @contextlib.contextmanager
    def copies(self, count):
        """``count`` sessions on copies of this database, made here and
        dropped at the end.  A database already holding a copy's name was
        not made by this run: it is left alone and the run stops."""
        odoo = self.odoo
        names = ['%s_copy_%d' % (self.dbname, index + 1) for index in range(count)]
        made, sessions = [], []
        try:
            with _server_cursor(odoo) as cr:
                cr.execute('SELECT datname FROM pg_database WHERE datname IN %s',
                           (tuple(names) or ('',),))
                taken = [row[0] for row in cr.fetchall()]
                if taken:
                    raise SystemExit('database %s exists and was not made by this run: '
                                     'drop it, or run the bench on another --db' % taken[0])
                for name in names:
                    odoo.sql_db.close_db(self.dbname)  # a template has no open connection
                    try:
                        cr.execute('CREATE DATABASE "%s" TEMPLATE "%s"' % (name, self.dbname),
                                   log_exceptions=False)
                    except psycopg2.errors.ObjectInUse:
                        raise DatabaseInUse('%s is open elsewhere (a server, a test run): '
                                            'it cannot be copied' % self.dbname)
                    made.append(name)
            sessions = [OdooSession(self.config, name, configure=False) for name in names]
            yield sessions
        finally:
            for name in made:
                odoo.modules.registry.Registry.delete(name)
                odoo.sql_db.close_db(name)
            with _server_cursor(odoo) as cr:
                for name in made:
                    cr.execute('DROP DATABASE IF EXISTS "%s"' % name)

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

    @contextlib.contextmanager
    def committed(self, what):
        """A superuser environment whose work is committed at the end (``what``
        names it in the refusal on a test database, which tests roll back)."""
        if self.dbname.startswith('jit_kanban_test'):
            raise SystemExit('%s commits its data: not on a test database (%s)' % (
                what, self.dbname))
        odoo = self.odoo
        with odoo.api.Environment.manage():
            cr = self.registry.cursor()
            try:
                yield odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
                cr.commit()
            finally:
                cr.close()

    def retire(self, loop_ids):
        """Committed: these loops and their cards archived, and the open
        orders of their products cancelled (with the moves of those MOs),
        so the next runs' boards, cron and scheduler do not carry them."""
        if not loop_ids:
            return
        cr = self.registry.cursor()
        try:
            cr.execute("""
                WITH products AS (SELECT product_id FROM jit_kanban_loop WHERE id IN %s),
                productions AS (
                    UPDATE mrp_production SET state = 'cancel'
                     WHERE state NOT IN ('done', 'cancel') AND product_id IN (SELECT * FROM products)
                    RETURNING id)
                UPDATE stock_move SET state = 'cancel'
                 WHERE state NOT IN ('done', 'cancel')
                   AND (product_id IN (SELECT * FROM products)
                        OR raw_material_production_id IN (SELECT id FROM productions)
                        OR production_id IN (SELECT id FROM productions))""", (tuple(loop_ids),))
            cr.execute('UPDATE jit_kanban_card SET active = false WHERE loop_id IN %s',
                       (tuple(loop_ids),))
            cr.execute("""UPDATE jit_kanban_loop SET active = false, state = 'draft', full_count = 0,
                                 empty_count = 0, ordered_count = 0, blocked_count = 0
                           WHERE id IN %s""", (tuple(loop_ids),))
            # as archiving a loop does: its route and rule too (each rule
            # left active would lengthen every rule search of later runs)
            cr.execute("""
                WITH routes AS (SELECT route_id FROM jit_kanban_loop WHERE id IN %s),
                rules AS (UPDATE procurement_rule SET active = false
                           WHERE route_id IN (SELECT route_id FROM routes))
                UPDATE stock_location_route SET active = false
                 WHERE id IN (SELECT route_id FROM routes)""", (tuple(loop_ids),))
            cr.commit()
        finally:
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
def _server_cursor(odoo):
    """An autocommit cursor on the server's maintenance database."""
    cr = odoo.sql_db.db_connect('postgres').cursor()
    try:
        cr.autocommit(True)
        yield cr
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
