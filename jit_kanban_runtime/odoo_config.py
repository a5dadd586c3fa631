"""Odoo configuration files written by the ``jit-kanban`` command.

Safe by default: Odoo listens on this machine only, the database manager
(list, create, drop, restore over HTTP) is off, the master password is random
and only its hash is in the config, and the files are readable by their owner
only (they hold the database password).
"""
import glob
import os
import secrets

LOCAL = '127.0.0.1'
ALL_INTERFACES = '0.0.0.0'
MASTER_PASSWORD_FILE = 'master-password'


def write_private(path, text):
    """Replace ``path`` with ``text`` in one step, mode 0600 from the start."""
    temporary = '%s.%d.tmp' % (path, os.getpid())
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(fd, 'w') as handle:
            handle.write(text)
        os.chmod(temporary, 0o600)
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.remove(temporary)
        raise


def master_password(home):
    """The master password of this home folder: (password, path, created).
    Made once (random), kept in a 0600 file, reused afterwards."""
    path = os.path.join(home, MASTER_PASSWORD_FILE)
    password = secrets.token_urlsafe(18)
    try:
        # O_EXCL: two commands started at once agree on one password
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        os.chmod(path, 0o600)
        with open(path) as handle:
            return handle.read().strip(), path, False
    with os.fdopen(fd, 'w') as handle:
        handle.write(password + '\n')
    return password, path, True


def password_hash(password):
    # the scheme Odoo 11 verifies admin_passwd with (odoo.tools.config)
    from passlib.context import CryptContext
    return CryptContext(['pbkdf2_sha512']).hash(password)


def write_config(home, filename, conn, addons_path, http_port=8069, http_interface=None,
                 proxy_mode=False):
    """Write ``<home>/<filename>``; returns (path, new master password or
    None when it already existed)."""
    os.makedirs(home, exist_ok=True)
    password, _path, created = master_password(home)
    path = os.path.join(home, filename)
    lines = [
        '[options]',
        'addons_path = %s' % addons_path,
        'data_dir = %s' % os.path.join(home, 'filestore'),
        'db_host = %s' % conn.host,
        'db_port = %s' % conn.port,
        'db_user = %s' % conn.user,
        'db_password = %s' % (conn.password or 'False'),
        'admin_passwd = %s' % password_hash(password),
        'http_interface = %s' % (http_interface or LOCAL),
        'http_port = %s' % http_port,
        'proxy_mode = %s' % bool(proxy_mode),
        'without_demo = False',
        'max_cron_threads = 1',
        'list_db = False',
    ]
    write_private(path, '\n'.join(lines) + '\n')
    # configs left by earlier versions were readable by anyone
    for other in glob.glob(os.path.join(home, 'odoo-*.conf')):
        os.chmod(other, 0o600)
    return path, password if created else None
