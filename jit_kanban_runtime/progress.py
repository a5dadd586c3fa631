"""What the command prints while it works: timed steps, and Odoo's own
progress from a child process (the module it loads, its errors)."""
import subprocess
import sys
import threading
import time


class Step:
    """Prints what is happening and, when it ends, how long it took."""
    started = time.time()

    def __init__(self, what):
        self.what = what

    def __enter__(self):
        self.t0 = time.time()
        say('%s ...' % self.what)
        return self

    def __exit__(self, exc_type, *_):
        if exc_type is None:
            say('%s: done in %.1fs' % (self.what, time.time() - self.t0))


def say(message):
    print('[jit-kanban %6.1fs] %s' % (time.time() - Step.started, message), flush=True)


def odoo_subprocess(argv):
    """Odoo in a child process; shows which module it is loading, and errors."""
    command = [sys.executable, '-m', 'jit_kanban_runtime', 'odoo'] + argv
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            universal_newlines=True, bufsize=1)
    last = {'line': time.time()}
    errors = []

    def heartbeat():
        while proc.poll() is None:
            time.sleep(15)
            if proc.poll() is None and time.time() - last['line'] > 14:
                say('... still working')
    threading.Thread(target=heartbeat, daemon=True).start()
    tail = []
    for line in proc.stdout:
        text = line.rstrip()
        tail = (tail + [text])[-30:]
        # Odoo lists the glue addons shipped by its wheels whose dependencies
        # are absent: harmless, they are never installed.
        if 'Unmet dependencies' in text:
            continue
        if ' ERROR ' in text or ' CRITICAL ' in text or text.startswith('Traceback') or errors:
            errors.append(text)
        if 'odoo.modules.loading: loading' in text or 'Loading module' in text \
                or 'odoo.modules.loading: Modules loaded' in text or ' ERROR ' in text:
            say('  ' + text.split(': ', 1)[-1])
            last['line'] = time.time()
    if proc.wait() != 0 or errors:
        print('\n'.join(errors[-80:] or tail), file=sys.stderr)
        raise SystemExit('odoo %s failed' % ' '.join(argv))
