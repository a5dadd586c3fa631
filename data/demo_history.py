"""The demo factory's past: ten weeks of consumption, signals, orders and
receipts for each demo loop, generated from a fixed seed so every run gives
the same history (data/demo_history.csv).

    python -m data.demo_history          # rewrite data/demo_history.csv

Times are hours before the moment the history is loaded, so boards, KPIs
and sizing always show "the last ten weeks".  Each loop's demand, lead time
and delays are what a plausible small assembly line would see; a few
receipts come late, and the bearing vendor has been getting slower.
"""
import csv
import os
import random

SEED = 20260101
WEEKS = 10
HERE = os.path.dirname(os.path.abspath(__file__))
CSV_PATH = os.path.join(HERE, 'demo_history.csv')
COLUMNS = ['loop', 'card', 'kind', 'hours_ago', 'quantity', 'lead_time_hours']

# loop xml id: (units used per working day, container qty, cards, planned lead
# time in days, delay spread, drift of the lead time per week towards today)
LOOPS = {
    'jit_kanban.loop_gear_housing': (8, 10, 4, 1.0, 0.35, 0.0),
    'jit_kanban.loop_motor_bracket': (18, 20, 6, 1.0, 0.30, 0.0),
    'jit_kanban.loop_hex_bolt': (160, 500, 3, 3.0, 0.25, 0.0),
    'jit_kanban.loop_bearing': (16, 50, 4, 5.0, 0.12, 0.08),
    'jit_kanban.loop_shaft_seal': (8, 100, 3, 5.0, 0.30, 0.0),
    'jit_kanban.loop_carton': (10, 25, 3, 0.5, 0.40, 0.0),
}


def generate(seed=SEED, weeks=WEEKS):
    """The rows of the history, oldest first within each loop."""
    rng = random.Random(seed)
    rows = []
    days = weeks * 7
    for loop, (daily, container, cards, lead_days, spread, drift) in sorted(LOOPS.items()):
        used_in_container = 0.0
        next_card = 0
        for day in range(days, 0, -1):
            if (days - day) % 7 >= 5:  # weekend: the line stands
                continue
            used = max(0, round(rng.gauss(daily, daily * 0.25)))
            start = day * 24 - 6  # first shift starts at 06:00
            rows.append([loop, '', 'consume', round(start - 8, 2), used, ''])
            used_in_container += used
            while used_in_container >= container:
                used_in_container -= container
                signal_at = start - rng.uniform(0.5, 8)
                weeks_ago = day / 7.0
                factor = max(0.4, rng.gauss(1.0, spread)) * (1 + drift * (weeks - weeks_ago))
                lead = round(lead_days * 24 * factor, 2)
                card = next_card % cards + 1
                next_card += 1
                rows.append([loop, card, 'signal', round(signal_at, 2), container, ''])
                rows.append([loop, card, 'order', round(signal_at - 0.05, 2), container, ''])
                if signal_at - lead > 1:  # received before today
                    rows.append([loop, card, 'receive', round(signal_at - lead, 2), container, lead])
    return rows


def write(path=CSV_PATH, rows=None):
    with open(path, 'w', newline='') as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        writer.writerows(generate() if rows is None else rows)
    return path


def read(path=CSV_PATH):
    with open(path, newline='') as handle:
        return list(csv.DictReader(handle))


if __name__ == '__main__':
    print('wrote %s' % write())
