"""Trigger policies: when waiting cards become orders, and why the rest wait."""
import itertools

import pytest

from jit_kanban_engine import Trigger, plan_orders
from jit_kanban_engine.triggers import BATCH, IMMEDIATE, SCHEDULED

POLICIES = (IMMEDIATE, BATCH, SCHEDULED)


def cap_reason(open_now, cap):
    return 'WIP cap: %d of %d orders open' % (open_now, cap)


def test_policy_names():
    assert POLICIES == ('immediate', 'batch', 'scheduled')


@pytest.mark.parametrize('policy', POLICIES)
@pytest.mark.parametrize('waiting', [0, -1])
def test_nothing_waiting_plans_nothing(policy, waiting):
    assert plan_orders(policy, waiting, open_orders=9, wip_cap=1, batch_size=3,
                       window_due=True) == Trigger([], None)


CASES = [
    # (policy, waiting, open, cap, batch, due) -> (groups, reason)
    # immediate, no cap (0 and None both mean no cap)
    ((IMMEDIATE, 1, 0, 0, 1, False), ([1], None)),
    ((IMMEDIATE, 3, 0, 0, 1, False), ([1, 1, 1], None)),
    ((IMMEDIATE, 3, 10, 0, 1, False), ([1, 1, 1], None)),
    ((IMMEDIATE, 3, 10, None, 1, False), ([1, 1, 1], None)),
    ((IMMEDIATE, 3, 0, 0, 5, False), ([1, 1, 1], None)),          # batch size ignored
    # immediate with a WIP cap
    ((IMMEDIATE, 2, 0, 3, 1, False), ([1, 1], None)),             # below the cap
    ((IMMEDIATE, 2, 1, 3, 1, False), ([1, 1], None)),             # fills it exactly
    ((IMMEDIATE, 5, 0, 3, 1, False), ([1, 1, 1], cap_reason(3, 3))),
    ((IMMEDIATE, 5, 1, 3, 1, False), ([1, 1], cap_reason(3, 3))),  # partially full
    ((IMMEDIATE, 4, 3, 3, 1, False), ([], cap_reason(3, 3))),      # already full
    ((IMMEDIATE, 4, 5, 3, 1, False), ([], cap_reason(5, 3))),      # over the cap
    # batch, no cap
    ((BATCH, 3, 0, 0, 3, False), ([3], None)),
    ((BATCH, 9, 0, 0, 3, False), ([3, 3, 3], None)),
    ((BATCH, 7, 0, 0, 3, False), ([3, 3], 'batch: 1 of 3 cards')),   # leftovers
    ((BATCH, 5, 0, 0, 3, False), ([3], 'batch: 2 of 3 cards')),
    ((BATCH, 2, 0, 0, 3, False), ([], 'batch: 2 of 3 cards')),       # not a full batch yet
    ((BATCH, 1, 0, 0, 1, False), ([1], None)),
    ((BATCH, 2, 0, 0, 0, False), ([1, 1], None)),                    # size 0 -> 1
    ((BATCH, 2, 0, 0, None, False), ([1, 1], None)),                 # size None -> 1
    ((BATCH, 2, 0, 0, -4, False), ([1, 1], None)),                   # size <0 -> 1
    ((BATCH, 5, 0, 0, 2.7, False), ([2, 2], 'batch: 1 of 2 cards')),  # size truncated
    # batch with a WIP cap
    ((BATCH, 6, 0, 2, 3, False), ([3, 3], None)),                    # fills cap exactly
    ((BATCH, 9, 0, 2, 3, False), ([3, 3], cap_reason(2, 2))),
    ((BATCH, 7, 0, 1, 3, False), ([3], cap_reason(1, 1))),           # cap + leftover
    ((BATCH, 7, 1, 2, 3, False), ([3], cap_reason(2, 2))),           # partially full
    ((BATCH, 7, 2, 2, 3, False), ([], cap_reason(2, 2))),            # already full
    ((BATCH, 7, 0, 2, 3, False), ([3, 3], 'batch: 1 of 3 cards')),   # cap reached, not binding
    ((BATCH, 7, 0, 5, 3, False), ([3, 3], 'batch: 1 of 3 cards')),
    ((BATCH, 2, 5, 2, 3, False), ([], 'batch: 2 of 3 cards')),       # incomplete batch first
    # scheduled
    ((SCHEDULED, 5, 0, 0, 1, False), ([], 'scheduled: waits for the next window')),
    ((SCHEDULED, 5, 3, 3, 1, False), ([], 'scheduled: waits for the next window')),
    ((SCHEDULED, 5, 0, 0, 1, True), ([5], None)),
    ((SCHEDULED, 1, 0, 0, 4, True), ([1], None)),                    # batch size ignored
    ((SCHEDULED, 5, 1, 2, 1, True), ([5], None)),                    # room for one order
    ((SCHEDULED, 5, 2, 2, 1, True), ([], cap_reason(2, 2))),         # cap full
    ((SCHEDULED, 5, 4, 2, 1, True), ([], cap_reason(4, 2))),
    # a negative cap is no cap
    ((IMMEDIATE, 3, 0, -1, 1, False), ([1, 1, 1], None)),
    ((BATCH, 7, 0, -1, 3, False), ([3, 3], 'batch: 1 of 3 cards')),
]


@pytest.mark.parametrize('args,expected', CASES)
def test_plan_orders(args, expected):
    policy, waiting, open_orders, cap, batch, due = args
    result = plan_orders(policy, waiting, open_orders=open_orders, wip_cap=cap,
                         batch_size=batch, window_due=due)
    assert isinstance(result, Trigger)
    assert (result.groups, result.waiting_reason) == expected


def test_defaults_are_no_cap_batch_of_one_window_not_due():
    assert plan_orders(IMMEDIATE, 2) == Trigger([1, 1], None)
    assert plan_orders(BATCH, 2) == Trigger([1, 1], None)
    assert plan_orders(SCHEDULED, 2) == Trigger([], 'scheduled: waits for the next window')


@pytest.mark.parametrize('policy', ['Immediate', 'kanban', '', None, 'batched'])
@pytest.mark.parametrize('waiting', [0, 3])
def test_unknown_policy_raises(policy, waiting):
    with pytest.raises(ValueError, match='unknown trigger policy %r' % (policy,)):
        plan_orders(policy, waiting)


def check_invariants(policy, waiting, open_orders, cap, batch, due):
    groups, reason = plan_orders(policy, waiting, open_orders=open_orders, wip_cap=cap,
                                 batch_size=batch, window_due=due)
    ordered = sum(groups)
    assert all(g > 0 for g in groups)
    assert 0 <= ordered <= max(waiting, 0)
    # someone waits exactly when a reason is given
    assert (reason is None) == (ordered == max(waiting, 0))
    if cap > 0:
        assert len(groups) <= max(cap - open_orders, 0)
        if reason and reason.startswith('WIP cap'):
            assert open_orders + len(groups) >= cap
    if policy == BATCH:
        assert all(g == max(batch, 1) for g in groups)
        if cap <= 0 or open_orders + len(groups) < cap:
            assert waiting - ordered < max(batch, 1) or waiting <= 0
    if policy == IMMEDIATE and cap <= 0:
        assert ordered == max(waiting, 0)
    if policy == SCHEDULED:
        assert len(groups) <= 1
        if not due:
            assert groups == []


def test_plan_invariants_over_small_grid():
    # about 4,000 combinations in one test (fast); the failing one is named
    grid = itertools.product(POLICIES, range(-1, 8), range(0, 4), range(-1, 4), range(0, 4),
                             (False, True))
    for combo in grid:
        try:
            check_invariants(*combo)
        except AssertionError:
            raise AssertionError('invariant broken for %r' % (combo,))
