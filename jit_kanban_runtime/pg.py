"""A private PostgreSQL cluster inside the project's folder.

Used when no database server is given (no PGHOST / --db-host).  The cluster
lives in ``<home>/pg``; it listens only on a Unix socket in that folder and on
its own port, so it never clashes with a system server.
"""
import os
import pwd
import shutil
import subprocess
import time
from collections import namedtuple

DEFAULT_PORT = 54329
# Odoo refuses to run as the 'postgres' superuser; its own role may log in
# and create databases (which it then owns), nothing more: no file access
# or programs on the server through SQL
DB_ROLE = 'odoo'
ROLE_RIGHTS = 'LOGIN CREATEDB NOSUPERUSER NOCREATEROLE NOREPLICATION NOBYPASSRLS'
PG_BIN_DIRS = ('/usr/lib/postgresql/15/bin', '/usr/lib/postgresql/16/bin',
               '/usr/lib/postgresql/14/bin')

Connection = namedtuple('Connection', 'host port user password')


class PostgresError(RuntimeError):
    pass


def shared_buffers_mb():
    """A quarter of the machine's memory, between PostgreSQL's default
    128 MB and 1 GB: a year of sizing history of a thousand loops (half a
    million moves) stays in memory."""
    try:
        total = os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') // (1024 * 1024)
    except (ValueError, OSError, AttributeError):
        return 128
    return max(128, min(1024, total // 4))


def find_pg_bin(name='pg_ctl'):
    for folder in PG_BIN_DIRS:
        path = os.path.join(folder, name)
        if os.access(path, os.X_OK):
            return path
    found = shutil.which(name)
    if found:
        return found
    raise PostgresError(
        "PostgreSQL server binaries (%s) not found. Install them with "
        "'apt-get install postgresql' (done by 'make demo' / 'make test'), or "
        "point jit-kanban at an existing server with PGHOST/PGPORT/PGUSER/PGPASSWORD." % name)


class EmbeddedCluster:
    """initdb once, then start/stop with pg_ctl; reused across runs."""

    def __init__(self, home, port=None):
        self.home = os.path.abspath(home)
        self.data_dir = os.path.join(self.home, 'pg', 'data')
        self.socket_dir = os.path.join(self.home, 'pg', 'run')
        self.log_file = os.path.join(self.home, 'pg', 'postgres.log')
        self.port = int(port or os.environ.get('JIT_KANBAN_PG_PORT') or DEFAULT_PORT)

    # running as root: PostgreSQL refuses, so the cluster belongs to 'postgres'
    def _as_owner(self, argv):
        if os.geteuid() != 0:
            return argv
        try:
            pwd.getpwnam('postgres')
        except KeyError:
            raise PostgresError("running as root needs the 'postgres' system user "
                                "(it comes with 'apt-get install postgresql')")
        return ['runuser', '-u', 'postgres', '--'] + argv

    def _chown(self, *paths):
        if os.geteuid() == 0:
            entry = pwd.getpwnam('postgres')
            for path in paths:
                os.chown(path, entry.pw_uid, entry.pw_gid)

    @property
    def connection(self):
        return Connection(self.socket_dir, self.port, DB_ROLE, None)

    def initialized(self):
        return os.path.exists(os.path.join(self.data_dir, 'PG_VERSION'))

    def init(self):
        if self.initialized():
            return False
        for path in (os.path.dirname(self.data_dir), self.data_dir, self.socket_dir):
            os.makedirs(path, exist_ok=True)
        self._chown(os.path.dirname(self.data_dir), self.data_dir, self.socket_dir)
        os.chmod(self.data_dir, 0o700)
        self._run([find_pg_bin('initdb'), '-D', self.data_dir, '-A', 'trust',
                   '-U', 'postgres', '-E', 'UTF8', '--locale=C'])
        return True

    def running(self):
        result = subprocess.run(self._as_owner([find_pg_bin('pg_ctl'), '-D', self.data_dir, 'status']),
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        return result.returncode == 0

    def start(self):
        """Start the cluster (creating it first); returns its connection."""
        self.init()
        if not self.running():
            os.makedirs(self.socket_dir, exist_ok=True)
            self._chown(self.socket_dir)
            if not os.path.exists(self.log_file):
                open(self.log_file, 'a').close()
            self._chown(self.log_file)
            # the socket only for its owner (root passes anyway): with trust
            # authentication, anyone able to open it could be any role
            options = "-p %d -k %s -c listen_addresses='' -c unix_socket_permissions=0700 " \
                      "-c fsync=off -c synchronous_commit=off -c max_connections=200 " \
                      "-c shared_buffers=%dMB" % (self.port, self.socket_dir, shared_buffers_mb())
            self._run([find_pg_bin('pg_ctl'), '-D', self.data_dir, '-l', self.log_file,
                       '-o', options, '-w', '-t', '60', 'start'])
        self._wait_ready()
        self._ensure_role()
        return self.connection

    def _ensure_role(self):
        psql = [find_pg_bin('psql'), '-h', self.socket_dir, '-p', str(self.port), '-U', 'postgres',
                '-d', 'postgres', '-tAc']
        found = self._run(psql + ["SELECT rolsuper, rolcreatedb, rolcanlogin FROM pg_roles "
                                  "WHERE rolname = '%s'" % DB_ROLE]).strip()
        if not found:
            self._run(psql + ['CREATE ROLE %s %s' % (DB_ROLE, ROLE_RIGHTS)])
        elif found != 'f|t|t':  # e.g. a superuser, as earlier versions made it
            self._run(psql + ['ALTER ROLE %s %s' % (DB_ROLE, ROLE_RIGHTS)])

    def stop(self):
        if self.initialized() and self.running():
            self._run([find_pg_bin('pg_ctl'), '-D', self.data_dir, '-m', 'fast', '-w', 'stop'])
            return True
        return False

    def _wait_ready(self, timeout=30):
        deadline = time.time() + timeout
        while time.time() < deadline:
            result = subprocess.run([find_pg_bin('pg_isready'), '-h', self.socket_dir,
                                     '-p', str(self.port), '-U', 'postgres', '-d', 'postgres'],
                                    stdout=subprocess.DEVNULL)
            if result.returncode == 0:
                return
            time.sleep(0.2)
        raise PostgresError("the embedded PostgreSQL did not accept connections; see %s" % self.log_file)

    def _run(self, argv):
        result = subprocess.run(self._as_owner(argv), stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, universal_newlines=True)
        if result.returncode != 0:
            raise PostgresError("%s failed:\n%s" % (' '.join(argv), result.stdout))
        return result.stdout


def external_connection(host=None, port=None, user=None, password=None):
    """The server named by flags or PG* variables, or None for the embedded one."""
    host = host or os.environ.get('PGHOST')
    if not host:
        return None
    return Connection(host, int(port or os.environ.get('PGPORT') or 5432),
                      user or os.environ.get('PGUSER') or 'postgres',
                      password or os.environ.get('PGPASSWORD'))
