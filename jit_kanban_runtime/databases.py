"""What the ``jit-kanban`` command may do with a database, decided from what
is in it.

The command only re-creates, drops or cleans databases it made itself.  It
marks a database it creates with a comment (``COMMENT ON DATABASE``):
``jit-kanban:creating`` while the first install runs, ``jit-kanban:created``
once it succeeded, and ``jit-kanban:adopted`` on an existing Odoo database the
user explicitly asked it to install the addon into.  A copy or a restore of a
database does not carry the comment, so it is never mistaken for one the
command made.
"""
import os
from collections import namedtuple

ADDON = 'jit_kanban'
MARKER = 'jit-kanban:'
CREATING, CREATED, ADOPTED = 'creating', 'created', 'adopted'
MARKER_TEXT = {
    CREATING: 'being created by the jit-kanban command (first install running)',
    CREATED: 'created by the jit-kanban command',
    ADOPTED: 'jit_kanban installed by the jit-kanban command on request',
}
# what the command decides to do with a database
CREATE, RECREATE, INSTALL, UPDATE = 'create', 'recreate', 'install', 'update'
# what a database holds
MISSING, EMPTY, ODOO, FOREIGN = 'missing', 'empty', 'odoo', 'foreign'
# jit_kanban's states in which its tables are there
ADDON_PRESENT = ('installed', 'to upgrade', 'to remove')

Probe = namedtuple('Probe', 'name kind marker addon_state')


class DatabaseRefused(RuntimeError):
    """The command will not touch this database; the message says why and
    what to do instead."""


def where(conn):
    return '%s:%s' % (conn.host, conn.port)


def query(conn, dbname, sql, params=None):
    import psycopg2
    connect = psycopg2.connect(dbname=dbname, host=conn.host, port=conn.port,
                               user=conn.user, password=conn.password, connect_timeout=10)
    try:
        connect.autocommit = True
        with connect.cursor() as cr:
            cr.execute(sql, params)
            return cr.fetchall() if cr.description else None
    finally:
        connect.close()


def identifier(statement, dbname):
    """``statement`` with the database name quoted as an identifier."""
    from psycopg2 import sql
    return sql.SQL(statement).format(sql.Identifier(dbname))


def marker_state(comment):
    if comment and comment.startswith(MARKER):
        return comment[len(MARKER):].split(' ', 1)[0] or None
    return None


def probe(conn, dbname):
    """What ``dbname`` holds.  Any failure to look is reported as it is:
    a database that cannot be read is not a broken one."""
    try:
        rows = query(conn, 'postgres', "SELECT shobj_description(oid, 'pg_database') "
                                       "FROM pg_database WHERE datname = %s", (dbname,))
        if not rows:
            return Probe(dbname, MISSING, None, None)
        marker = marker_state(rows[0][0])
        rows = query(conn, dbname, """
            SELECT to_regclass('public.ir_module_module') IS NOT NULL,
                   (SELECT count(*) FROM pg_class c
                      JOIN pg_namespace n ON n.oid = c.relnamespace
                     WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S')
                       AND n.nspname NOT IN ('pg_catalog', 'information_schema')
                       AND n.nspname NOT LIKE 'pg\\_toast%')""")
        is_odoo, relations = rows[0]
        if not is_odoo:
            return Probe(dbname, FOREIGN if relations else EMPTY, marker, None)
        rows = query(conn, dbname, 'SELECT state FROM ir_module_module WHERE name = %s', (ADDON,))
    except Exception as error:  # whatever it is, nothing may be changed
        raise DatabaseRefused(
            "could not inspect database %s on %s: %s. Nothing was changed. Check that the "
            "server is running and that the role %s may connect to it and read it."
            % (dbname, where(conn), str(error).strip() or type(error).__name__, conn.user))
    return Probe(dbname, ODOO, marker, rows[0][0] if rows else None)


def decide(found, install_into_existing=False):
    """CREATE, RECREATE, INSTALL or UPDATE for the addon in ``found``, or
    DatabaseRefused with what was found and how to go on."""
    name = found.name
    if found.kind == MISSING:
        return CREATE
    if found.kind == ODOO and found.addon_state in ADDON_PRESENT:
        return UPDATE
    if found.marker == CREATING:  # half-made by an interrupted run of the command
        return RECREATE
    if found.kind == FOREIGN:
        raise DatabaseRefused(
            "database %s exists but is not an Odoo database (it holds tables, and no "
            "ir_module_module): jit-kanban left it untouched. Choose another name with "
            "--db NAME; jit-kanban creates that database itself." % name)
    if install_into_existing:
        return INSTALL
    if found.kind == EMPTY:
        raise DatabaseRefused(
            "database %s exists and is empty, but jit-kanban did not create it: it was left "
            "untouched. To install Odoo and jit_kanban into it, run the same command again "
            "with --install-into-existing; or choose another name with --db NAME." % name)
    raise DatabaseRefused(
        "database %s is an Odoo database without jit_kanban (state: %s): it was left "
        "untouched. To install jit_kanban into it, run the same command again with "
        "--install-into-existing (back the database up first); or choose another name "
        "with --db NAME." % (name, found.addon_state or 'not listed'))


def require_served(found):
    """Odoo initializes any database it is started on: serve or open a shell
    only on an existing Odoo database."""
    if found.kind == ODOO:
        return
    what = {MISSING: 'does not exist (create it with `jit-kanban demo --no-serve --db %s`)'
                     % found.name,
            EMPTY: 'is empty', FOREIGN: 'is not an Odoo database'}[found.kind]
    raise DatabaseRefused('database %s %s: nothing was started, the database is untouched.'
                          % (found.name, what))


def create(conn, dbname):
    """The empty database as Odoo creates it, marked as the command's own."""
    query(conn, 'postgres', identifier("CREATE DATABASE {} ENCODING 'unicode' TEMPLATE template0",
                                       dbname))
    mark(conn, dbname, CREATING)


def mark(conn, dbname, state):
    query(conn, 'postgres', identifier('COMMENT ON DATABASE {} IS %s', dbname),
          ('%s%s %s' % (MARKER, state, MARKER_TEXT[state]),))


def drop(conn, dbname):
    query(conn, 'postgres', identifier('DROP DATABASE IF EXISTS {}', dbname))


def made_by_earlier_command(conn, dbname, stamped):
    """A database an earlier version of the command made, before it marked
    its databases: it kept a stamp for it, and base and jit_kanban were
    first installed in one run (within half an hour; later updates of the
    addon add records of their own dates)."""
    if not stamped:
        return False
    try:
        rows = query(conn, dbname, """
            SELECT min(date_init) FILTER (WHERE module = %s)
                 - min(date_init) FILTER (WHERE module = 'base') < interval '30 minutes'
              FROM ir_model_data WHERE module IN ('base', %s)""", (ADDON, ADDON))
    except Exception:  # cannot tell: then it is not
        return False
    return bool(rows and rows[0][0])


def available_modules(addons_path):
    """Names of the modules present on the addons path."""
    names = set()
    for folder in addons_path.split(','):
        if not os.path.isdir(folder):
            continue
        for name in os.listdir(folder):
            path = os.path.join(folder, name)
            if any(os.path.isfile(os.path.join(path, manifest))
                   for manifest in ('__manifest__.py', '__openerp__.py')):
                names.add(name)
    return names


def reset_uninstallable_pending(conn, dbname, available):
    """Odoo's auto-install marks the glue addons shipped with its wheels
    (sale_mrp, pos_sale, ...) 'to install' although their dependencies are
    not there; while any module is pending, Odoo's scheduler skips the
    database.  Only modules that can never install (they, or a module they
    depend on, are not on the addons path) go back to 'uninstalled'; other
    pending modules are left as they are.  Returns their names."""
    rows = query(conn, dbname, """
        WITH RECURSIVE needs(module_id, dep) AS (
            SELECT m.id, d.name FROM ir_module_module m
              JOIN ir_module_module_dependency d ON d.module_id = m.id
             WHERE m.state = 'to install'
            UNION
            SELECT needs.module_id, d.name FROM needs
              JOIN ir_module_module dm ON dm.name = needs.dep
              JOIN ir_module_module_dependency d ON d.module_id = dm.id
        )
        UPDATE ir_module_module SET state = 'uninstalled'
         WHERE state = 'to install'
           AND (name <> ALL(%(available)s)
                OR id IN (SELECT module_id FROM needs WHERE dep <> ALL(%(available)s)))
        RETURNING name""", {'available': sorted(available)})
    return sorted(name for name, in rows)
