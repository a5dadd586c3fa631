"""Helpers for the adapter tests: run Python in a fresh interpreter.

The pytest process itself is already adapted (pytest.ini loads
jit_kanban_runtime.pytest_plugin), so what Python 3.11 lacks *without* the
adapter is observed in a child process.
"""
import json
import os
import subprocess
import sys
import textwrap

import pytest

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

# facts about a Python 3.11 interpreter the adapter never touched
PRISTINE_PROBE = r'''
import base64, cgi, collections, inspect, json, resource, sys, threading, time
import xml.etree.ElementTree as ET
import xml.etree.cElementTree as cET
import yaml
from PIL import Image

def outcome(func):
    try:
        func()
        return 'ok'
    except Exception as error:
        return '%s: %s' % (type(error).__name__, error)

soft, hard = resource.getrlimit(resource.RLIMIT_CPU)
facts = {
    'adapter imported': 'jit_kanban_runtime.adapter' in sys.modules,
    'collections.Mapping': hasattr(collections, 'Mapping'),
    'collections.Iterable': hasattr(collections, 'Iterable'),
    'inspect.getargspec': hasattr(inspect, 'getargspec'),
    'inspect.formatargspec': hasattr(inspect, 'formatargspec'),
    'base64.encodestring': hasattr(base64, 'encodestring'),
    'base64.decodestring': hasattr(base64, 'decodestring'),
    'time.clock': hasattr(time, 'clock'),
    'Thread.isAlive': hasattr(threading.Thread, 'isAlive'),
    'cgi.escape': hasattr(cgi, 'escape'),
    'setrlimit(float)': outcome(lambda: resource.setrlimit(resource.RLIMIT_CPU, (float(soft), hard))),
    'Element.getchildren': hasattr(ET.Element, 'getchildren'),
    'cElementTree.Element.getchildren': hasattr(cET.Element, 'getchildren'),
    'Image.ANTIALIAS': hasattr(Image, 'ANTIALIAS'),
    'yaml.load(no Loader)': outcome(lambda: yaml.load('a: 1')),
}
print(json.dumps(facts))
'''


def run_python(code, timeout=180):
    """Run ``code`` in a new interpreter of the venv; returns CompletedProcess."""
    env = dict(os.environ)
    env.pop('ODOO_PRELOAD_ADDONS', None)  # set by apply() in this process
    return subprocess.run([sys.executable, '-c', textwrap.dedent(code)], cwd=REPO_ROOT, env=env,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          universal_newlines=True, timeout=timeout)


def run_json(code, timeout=180):
    """Run ``code`` (which prints one JSON line last) and return that JSON."""
    result = run_python(code, timeout)
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.fixture(scope='session')
def pristine():
    facts = run_json(PRISTINE_PROBE)
    assert facts['adapter imported'] is False
    return facts


@pytest.fixture(scope='session')
def child_python():
    """run_python(code): CompletedProcess of a fresh interpreter."""
    return run_python


@pytest.fixture(scope='session')
def child_json():
    """run_json(code): the last stdout line of a fresh interpreter, as JSON."""
    return run_json
