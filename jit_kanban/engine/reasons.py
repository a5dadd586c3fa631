"""Why the engine decided what it did, as a code the models can translate.

A ``Reason`` is the English sentence (for logs and tests) that also carries a
stable ``code`` and its ``params``: the models look the code up and say the
sentence in the user's language (``_()`` with the same params).
"""


class Reason(str):
    __slots__ = ('code', 'params')

    def __new__(cls, code, text, **params):
        reason = super(Reason, cls).__new__(cls, text % params if params else text)
        reason.code = code
        reason.params = params
        return reason

    def __reduce__(self):
        return (_rebuild, (self.code, str(self), self.params))


def _rebuild(code, text, params):
    reason = Reason(code, text)
    reason.params = params
    return reason
