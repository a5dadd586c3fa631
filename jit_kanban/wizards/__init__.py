from . import jit_kanban_card_audit
from . import jit_kanban_state_change
from . import jit_kanban_sizing_apply
from . import jit_kanban_sizing_apply_line
from . import jit_kanban_sizing_run
from . import jit_kanban_device_token
