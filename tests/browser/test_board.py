"""The supermarket board a supervisor reads from across the room: one tile per
loop with full / empty / ordered counts, red loops first across all supermarkets."""
import os

from test_login import login

RANK = {'red': 0, 'amber': 1, 'green': 2}


def test_supermarket_board_shows_counts_by_urgency(odoo_server, page, page_errors, output_dir,
                                                  publish_screenshot):
    page.set_viewport_size({'width': 1600, 'height': 900})
    login(page, odoo_server)
    page.goto('about:blank')
    page.goto(odoo_server + '/web#action=jit_kanban.jit_kanban_loop_action_board')
    page.wait_for_selector('.o_jit_kanban_board .o_jit_kanban_loop_card')
    tiles = page.eval_on_selector_all(
        '.o_jit_kanban_board .o_jit_kanban_loop_card',
        """tiles => tiles.map(tile => ({
              urgency: Array.from(tile.classList).find(c => c.startsWith('o_jit_kanban_urgency_'))
                       .replace('o_jit_kanban_urgency_', ''),
              full: +tile.querySelector('.o_jit_kanban_full').textContent,
              empty: +tile.querySelector('.o_jit_kanban_empty').textContent,
              ordered: +tile.querySelector('.o_jit_kanban_ordered').textContent}))""")
    assert not page.locator('.o_jit_kanban_board .o_kanban_group').count(), \
        'one board across all supermarkets, not a column per supermarket'
    assert tiles, 'the board shows the demo loops'
    ranks = [RANK[tile['urgency']] for tile in tiles]
    assert ranks == sorted(ranks), 'red before amber before green, whatever the supermarket: %s' % tiles
    assert any(tile['empty'] + tile['ordered'] for tile in tiles)
    colour = page.eval_on_selector('.o_jit_kanban_loop_card .o_jit_kanban_full',
                                   'el => getComputedStyle(el).backgroundColor')
    assert colour not in ('rgba(0, 0, 0, 0)', 'transparent'), 'board styles are compiled'
    shot = os.path.join(output_dir, 'board.png')
    page.screenshot(path=shot)
    assert page_errors == []

    page.goto(odoo_server + '/web#action=jit_kanban.jit_kanban_card_action')
    page.wait_for_selector('.o_jit_kanban_cards .o_jit_kanban_card')
    page.screenshot(path=os.path.join(output_dir, 'cards_board.png'))
    publish_screenshot(shot, 'screenshot_board.png')
