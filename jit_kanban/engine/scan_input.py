"""What a scan request may carry, checked before anything is read or written.

Scanners, tablets and RPC clients send what they send: a barcode padded with
a scanner's CR/LF or GS1 group separators, lower case, 5 MB of text, a NUL,
a lone surrogate, an id given as "abc" or a list.  Each is answered with a
reason code (reasons.py); nothing here touches a database.
"""
import re
import unicodedata
from collections import namedtuple

from .reasons import Reason

MAX_BARCODE = 128   # longer than any GS1 or supplier QR a card carries
MAX_KEY = 64        # idempotency keys: a UUID is 36
# whitespace and control characters a scanner adds around a code
_EDGES = re.compile(r'^[\s\x00-\x1f\x7f-\x9f]+|[\s\x00-\x1f\x7f-\x9f]+$')
_KEY = re.compile(r'^[A-Za-z0-9._:-]+$')

ScanInput = namedtuple('ScanInput', 'barcode supermarket_id key reason stored_barcode')
ScanInput.__doc__ = """barcode: the normalised code to look up (None when rejected);
supermarket_id: int or None; key: idempotency key or None;
reason: a Reason when the request is rejected, else None;
stored_barcode: what the audit trail may keep of the barcode (bounded, printable)."""


def printable(text, limit=MAX_BARCODE):
    """A bounded, storable form of any text: no NUL, no lone surrogates."""
    if not isinstance(text, str):
        return ''
    text = text[:limit]
    text = text.encode('utf-8', 'replace').decode('utf-8')
    return ''.join(char if unicodedata.category(char) not in ('Cc', 'Cs') else '?' for char in text)


def normalise_barcode(value):
    """(code, reason): the code as cards store it (stripped, upper case)."""
    if value is None or value is False:
        return None, Reason('empty_barcode', 'empty barcode')
    if not isinstance(value, str):
        return None, Reason('barcode_type', 'a barcode must be text')
    if len(value) > MAX_BARCODE * 4:   # no need to look further into megabytes
        return None, Reason('barcode_too_long', 'barcode longer than %(max)d characters',
                            max=MAX_BARCODE)
    code = _EDGES.sub('', value)
    if not code:
        return None, Reason('empty_barcode', 'empty barcode')
    if len(code) > MAX_BARCODE:
        return None, Reason('barcode_too_long', 'barcode longer than %(max)d characters',
                            max=MAX_BARCODE)
    if any(unicodedata.category(char) in ('Cc', 'Cs') for char in code):
        return None, Reason('barcode_characters', 'barcode with invalid characters')
    return code.upper(), None


def as_record_id(value):
    """(id or None, ok): a record id given as int or digit string; '' / None /
    False / 0 mean none.  Booleans, floats with decimals, lists... are not ids."""
    if value in (None, False, '', 0):
        return None, True
    if isinstance(value, bool):
        return None, False
    if isinstance(value, int):
        return (value, True) if 0 < value < 2 ** 31 else (None, False)
    if isinstance(value, str) and value.strip().isdigit() and len(value.strip()) < 10:
        return as_record_id(int(value.strip()))
    return None, False


def check_scan(barcode, supermarket_id=None, key=None):
    """A scan request, checked: ScanInput."""
    stored = printable(barcode) if isinstance(barcode, str) else ''
    location, location_ok = as_record_id(supermarket_id)
    if not location_ok:
        return ScanInput(None, None, None, Reason('supermarket_id', 'invalid supermarket id'),
                         stored)
    if key in (None, False, ''):
        key = None
    elif not (isinstance(key, str) and len(key) <= MAX_KEY and _KEY.match(key)):
        return ScanInput(None, location, None, Reason(
            'idempotency_key', 'invalid idempotency key (up to %(max)d letters, digits, . _ : -)',
            max=MAX_KEY), stored)
    code, reason = normalise_barcode(barcode)
    return ScanInput(code, location, key, reason, code or stored)
