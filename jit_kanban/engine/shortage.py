"""Shortage risk of a loop: which facts put a part at risk today, how they
rank, and what to do about the worst one.

The database gathers the facts for all loops in one query; it ranks them with
the weights below (formatted into that query), so the screen sorts by risk.
"""

NEGATIVE = 'negative'            # the supermarket shows less than nothing
BELOW_CLAIM = 'below_claim'      # fewer parts on the shelf than the full cards say
SHORT_COMPONENTS = 'short_components'  # open kanban MOs cannot be built from stock
LATE_ORDER = 'late_order'        # an open order is past its due date
LATE_CARD = 'late_card'          # a card has waited longer than the planned lead time
NONE = 'none'

# worst first; a loop's score is the sum of the weights of its facts, so
# one fact of a worse kind always outranks all lesser facts together
WEIGHTS = (
    (NEGATIVE, 16),
    (BELOW_CLAIM, 8),
    (SHORT_COMPONENTS, 4),
    (LATE_ORDER, 2),
    (LATE_CARD, 1),
)
WEIGHT = dict(WEIGHTS)

HIGH, MEDIUM, LOW = 'high', 'medium', 'low'


def risk_score(on_hand, claimed, short_components=0, late_orders=0, late_cards=0):
    """The score of one loop's facts (what the database computes in bulk)."""
    return sum(WEIGHT[code] for code in risk_codes(
        on_hand, claimed, short_components, late_orders, late_cards))


def risk_codes(on_hand, claimed, short_components=0, late_orders=0, late_cards=0):
    """The facts that hold, worst first."""
    codes = []
    if on_hand < 0:
        codes.append(NEGATIVE)
    elif on_hand < claimed:
        codes.append(BELOW_CLAIM)
    if short_components > 0:
        codes.append(SHORT_COMPONENTS)
    if late_orders > 0:
        codes.append(LATE_ORDER)
    if late_cards > 0:
        codes.append(LATE_CARD)
    return codes


def risk_level(score):
    """High when the shelf itself is wrong, medium when supply is stuck."""
    if score >= WEIGHT[BELOW_CLAIM]:
        return HIGH
    if score >= WEIGHT[LATE_ORDER]:
        return MEDIUM
    if score > 0:
        return LOW
    return NONE


def worst_code(score):
    """The worst fact behind a score (weights are powers of two)."""
    for code, weight in WEIGHTS:
        if score & weight:
            return code
    return NONE


def lead_time_trend(recent_avg, earlier_avg, tolerance=0.1):
    """'slower', 'faster' or 'steady' comparing the last 30 days with the 60
    before; None without receipts in both windows."""
    if recent_avg is None or earlier_avg is None:
        return None
    if earlier_avg <= 0:
        return 'slower' if recent_avg > 0 else 'steady'
    change = (recent_avg - earlier_avg) / earlier_avg
    if change > tolerance:
        return 'slower'
    if change < -tolerance:
        return 'faster'
    return 'steady'


def is_late(age_hours, planned_days):
    """A card or order is late once it has waited longer than planned."""
    return age_hours is not None and age_hours > max(planned_days, 0.0) * 24.0
