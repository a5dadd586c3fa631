"""Who may do what with kanban records, checked as the ORM would.

Public methods that go on with ``sudo()`` or raw SQL (the scan's hot path,
the board counts, replenishing now) call these first, as the caller: the
group a role needs, then model access rights and record rules.
"""
from odoo import SUPERUSER_ID, _
from odoo.exceptions import AccessError

OPERATOR = 'jit_kanban.group_jit_kanban_operator'
MANAGER = 'jit_kanban.group_jit_kanban_manager'


def _require(env, group, message):
    if env.uid != SUPERUSER_ID and not env.user.has_group(group):
        error = AccessError(message)
        # it names the role only, so the kanban routes may show it (other
        # access errors name models and groups: they answer those plainly)
        error.jit_kanban_role = True
        raise error


def check_operator(env):
    """Signalling and undoing scans: Kanban Operators (and Managers)."""
    _require(env, OPERATOR, _('Only Kanban Operators may signal or undo kanban cards.'))


def check_manager(env):
    """Replenish now, lock, correct, block, apply sizing, print: Managers."""
    _require(env, MANAGER, _('Only a Kanban Manager may do this.'))


def check_records(records, operation='read'):
    """Access rights on the model, then record rules on these records."""
    records.check_access_rights(operation)
    records.check_access_rule(operation)
