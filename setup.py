"""Runtime for the jit_kanban Odoo addon (Odoo 11.0 on Python 3.11)."""
import os

from setuptools import find_packages, setup

HERE = os.path.dirname(os.path.abspath(__file__))


def requirements(name):
    with open(os.path.join(HERE, name)) as handle:
        return [line.split('#')[0].strip() for line in handle
                if line.split('#')[0].strip() and not line.startswith('-')]


setup(
    name='jit-kanban',
    version='11.0.1.1.0',
    description='Pull-based kanban replenishment for Odoo 11: runtime, adapter and CLI',
    long_description=open(os.path.join(HERE, 'README.md')).read() if os.path.exists(
        os.path.join(HERE, 'README.md')) else '',
    license='LGPL-3',
    python_requires='>=3.11,<3.12',
    packages=find_packages(include=['jit_kanban_runtime', 'jit_kanban_runtime.*']),
    # Odoo's wheels are installed --no-deps (requirements-odoo.txt): their
    # declared dependencies (vatnumber, suds-jurko, ...) no longer build.
    install_requires=requirements('requirements.txt'),
    entry_points={'console_scripts': ['jit-kanban = jit_kanban_runtime.cli:main']},
)
