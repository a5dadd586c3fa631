"""The indexes the addon adds outside its fields survive a module update
(the suite's database is updated before every run): Odoo drops an index
named <table>_<field>_index when it sets up a field declared without one."""
from odoo.tests.common import TransactionCase

# index: (table, what reads it)
ADDON_INDEXES = {
    'jit_kanban_card_board_page_index': ('jit_kanban_card', 'the cards board columns'),
    'jit_kanban_loop_board_order_index': ('jit_kanban_loop', 'the supermarket board'),
    'stock_picking_kanban_group_index': ('stock_picking', "a transfer's picking by its group"),
    'stock_move_open_raw_production_index': ('stock_move', 'the shortage screen'),
}


class TestDatabaseIndexes(TransactionCase):

    def test_the_addons_own_indexes_exist_after_an_update(self):
        self.env.cr.execute('SELECT indexname, tablename FROM pg_indexes WHERE indexname IN %s',
                            (tuple(ADDON_INDEXES),))
        found = dict(self.env.cr.fetchall())
        for name, (table, reader) in ADDON_INDEXES.items():
            with self.subTest(index=name):
                self.assertEqual(found.get(name), table, 'missing: the index of %s' % reader)
