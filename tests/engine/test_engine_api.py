"""The engine stays plain Python and keeps its public names and signatures."""
import ast
import inspect
import os
import sys

import pytest

import jit_kanban_engine as engine

ENGINE_DIR = os.path.dirname(os.path.abspath(engine.__file__))

ENGINE_FILES = sorted(f for f in os.listdir(ENGINE_DIR) if f.endswith('.py'))

SIGNATURES = {
    'next_state': '(state, event, target=None, reason=None)',
    'decide_signal': "(card_state, loop_state, card_active=True, lock_reason=None, "
                     "station_location_ok=True)",
    'decide_undo': '(card_state, signalled_by, user, seconds_since_signal, window_seconds, '
                   'order_started=False, order_shared=False, superseded=False)',
    'plan_orders': '(policy, waiting_cards, open_orders=0, wip_cap=0, batch_size=1, '
                   'window_due=False)',
    'order_quantity': '(cards, container_qty)',
    'cards_to_fill': '(received_qty, container_qty, cards_on_order, cards_filled)',
    'card_count': '(daily_demand, lead_time_days, container_qty, safety_factor=0.0, '
                  'review_days=0.0, minimum=2)',
    'average_daily_demand': '(consumptions, days)',
    'urgency': '(full, total, amber_at=0.5, red_at=0.75)',
    'demand_statistics': '(daily_quantities, off_day_quantity=0.0)',
    'recommend': "(daily_demand, demand_std, lead_time_days, container_qty, method='factor', "
                 "safety_factor=0.0, service_level=0.95, review_days=0.0, minimum=2)",
    'container_quantity': '(card_count, cycle_stock, safety_stock=0.0, multiple=1.0)',
    'simulate': '(demand, card_count, container_qty, lead_time_days, lead_times=None)',
    'compare': '(demand, card_count, container_qty, lead_time_days, unit_cost=0.0, also=())',
    'plan_card_changes': '(target, cards, next_sequence)',
}
CONSTANTS = ['FULL', 'EMPTY', 'ORDERED', 'BLOCKED', 'STATES', 'TransitionError',
             'ACCEPTED', 'ALREADY_SIGNALLED', 'REJECTED', 'SignalDecision', 'Trigger',
             'GREEN', 'AMBER', 'RED']


@pytest.mark.parametrize('name,signature', sorted(SIGNATURES.items()))
def test_public_function_signature(name, signature):
    assert str(inspect.signature(getattr(engine, name))) == signature


@pytest.mark.parametrize('name', CONSTANTS)
def test_public_name_exported(name):
    assert hasattr(engine, name)


def test_engine_modules_found():
    assert {'__init__.py', 'card_states.py', 'signals.py', 'triggers.py', 'quantities.py',
            'sizing.py', 'urgency.py', 'simulation.py', 'card_plan.py'} <= set(ENGINE_FILES)


@pytest.mark.parametrize('filename', ENGINE_FILES)
def test_engine_imports_only_stdlib_and_itself(filename):
    with open(os.path.join(ENGINE_DIR, filename)) as handle:
        tree = ast.parse(handle.read(), filename)
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:          # relative import inside the engine
                continue
            names = [node.module]
        else:
            continue
        for name in names:
            top = name.split('.')[0]
            assert top in sys.stdlib_module_names, \
                '%s imports %s: the engine must stay plain Python' % (filename, name)
