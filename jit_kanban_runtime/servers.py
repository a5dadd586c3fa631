"""Odoo servers in child processes (tests, benchmarks): started through the
adapted entry point, in their own process group, waited for, stopped."""
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request


def free_port():
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


def log_tail(path, lines=60):
    with open(path, errors='replace') as handle:
        return ''.join(handle.readlines()[-lines:])


class OdooProcess:
    """``python -m jit_kanban_runtime odoo <odoo_args>``, its output in ``log_path``."""

    def __init__(self, odoo_args, log_path, cwd=None, env=None):
        self.log_path = log_path
        env = dict(os.environ if env is None else env)
        env.setdefault('ODOO_PRELOAD_ADDONS', 'no')
        env['NODE_PATH'] = env.get('NODE_PATH') or '/usr/share/nodejs'  # Debian's lessc
        with open(log_path, 'w') as log:
            self.proc = subprocess.Popen(
                [sys.executable, '-m', 'jit_kanban_runtime', 'odoo'] + list(odoo_args),
                cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)

    def wait_ready(self, url, timeout=180):
        """Until ``url``/web/login answers; RuntimeError with the log's tail."""
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError('Odoo server exited (%s):\n%s' % (
                    self.proc.returncode, log_tail(self.log_path)))
            try:
                with urllib.request.urlopen(url + '/web/login', timeout=10) as response:
                    if response.status == 200:
                        return
            except OSError:
                pass
            time.sleep(0.5)
        raise RuntimeError('Odoo did not answer %s/web/login in %ss:\n%s' % (
            url, timeout, log_tail(self.log_path)))

    def stop(self):
        """The whole process group: a prefork server's workers and long-polling too."""
        try:
            os.killpg(self.proc.pid, signal.SIGTERM)
            self.proc.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(10)
        except ProcessLookupError:
            pass
