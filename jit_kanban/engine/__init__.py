"""Business rules of the kanban loop, in plain Python (no Odoo import).

The Odoo models only gather facts, call these functions and write results, so
the rules are tested without a database and survive a port to a later Odoo.
"""
from .card_states import (  # noqa: F401
    FULL, EMPTY, ORDERED, BLOCKED, STATES, TransitionError, next_state,
)
from .signals import (  # noqa: F401
    ACCEPTED, ALREADY_SIGNALLED, REJECTED, SignalDecision, decide_signal, decide_undo,
)
from .triggers import Trigger, plan_orders  # noqa: F401
from .quantities import order_quantity, cards_to_fill  # noqa: F401
from .sizing import card_count, average_daily_demand  # noqa: F401
from .urgency import GREEN, AMBER, RED, urgency  # noqa: F401
from .levelling import (  # noqa: F401
    CAPACITY, Candidate, Operation, Release, level, operation_minutes, order_load, working_minutes,
)
from .consumption import cards_to_signal  # noqa: F401
from .sizing import (  # noqa: F401,E402
    FACTOR, SERVICE_LEVEL, demand_statistics, z_score, safety_stock, recommend,
    container_quantity, lead_time,
)
from .simulation import simulate, simulate_many, compare  # noqa: F401,E402
from .card_plan import CardChanges, plan_card_changes  # noqa: F401,E402
from . import shortage  # noqa: F401
