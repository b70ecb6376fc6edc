"""The ladder's quantity field: digits typed in a row make the quantity of the buy and sell keys.

The first digit after any other key starts a new number and each next one appends to it, so
typing ``2`` ``5`` sets 25 contracts and the quantity keeps that value until digits are typed
again (the order ticket sets it too). A leading ``0`` is ignored, and a number stops growing at
:data:`MAX_DIGITS` digits.
"""

from __future__ import annotations

from app.core.fixed import COUNT_SCALE

MAX_DIGITS = 7  # up to 9,999,999 contracts


class QuantityField:
    """The quantity in contracts (app.core.fixed counts) and the digits being typed."""

    def __init__(self, quantity: int = COUNT_SCALE) -> None:
        self.quantity = quantity
        self._typed = ""

    def digit(self, char: str) -> bool:
        """Take one typed digit; True when the quantity changed."""
        if (not self._typed and char == "0") or len(self._typed) >= MAX_DIGITS:
            return False
        self._typed += char
        self.quantity = int(self._typed) * COUNT_SCALE
        return True

    def end(self) -> None:
        """Another key: the next digit starts a new number."""
        self._typed = ""

    def set(self, quantity: int) -> None:
        """Set the quantity from elsewhere (the order ticket's count)."""
        self.quantity = quantity
        self._typed = ""

    @property
    def typing(self) -> bool:
        """True while digits are being typed (the field shows its cursor)."""
        return bool(self._typed)
