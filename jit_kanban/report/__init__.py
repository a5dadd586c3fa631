from . import jit_kanban_card_report
