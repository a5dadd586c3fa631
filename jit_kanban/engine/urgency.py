"""Supermarket urgency (SAP-style): how many containers are not on the shelf."""
GREEN, AMBER, RED = 'green', 'amber', 'red'


def urgency(full, total, amber_at=0.5, red_at=0.75):
    """full: cards with a full container on the shelf; total: active cards."""
    if total <= 0:
        return GREEN
    missing = float(total - full) / total
    if full <= 0 or missing >= red_at:
        return RED
    if missing >= amber_at:
        return AMBER
    return GREEN
