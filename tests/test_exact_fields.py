"""The detail view's exact values (app/core/exact_fields.py): nothing rounded, sides as held."""

from __future__ import annotations

from fractions import Fraction

from app.core import protocol as p
from app.core.exact_fields import (
    exact_fields,
    exact_holding,
    exact_money_fraction,
    exact_price,
    exact_price_fraction,
    exact_time,
)


def test_every_field_of_a_fill_is_exact_and_the_envelope_is_left_out() -> None:
    fill = p.Fill(sid=3, seq=9, market_ticker="KX-A", side="no", yes_price=7642, count=91354,
                  fee_cost=72_702_420, post_position=-91354, ts_ms=1_764_150_000_123, is_taker=True)
    fields = dict(exact_fields(fill))
    assert fields["fee cost"] == "$72.70242"  # the table shows $72.70
    assert fields["yes price"] == "76.42¢ ($0.7642)" and fields["no price"] == "23.58¢ ($0.2358)"
    assert fields["count"] == "913.54" and fields["post position"] == "NO 913.54"
    assert fields["ts ms"] == "2025-11-26 09:40:00.123 UTC" and fields["is taker"] == "yes"
    assert fields["trade id"] == "—"  # not sent
    assert not {"sid", "seq", "id", "problems", "not readable"} & fields.keys()
    labels = [label for label, _value in exact_fields(fill)]
    assert labels.index("yes price") + 1 == labels.index("no price")


def test_a_yes_fill_has_no_second_price_and_what_could_not_be_read_is_said() -> None:
    fill = p.Fill(market_ticker="KX-A", side="yes", yes_price=5, problems=("count",))
    fields = dict(exact_fields(fill))
    assert fields["yes price"] == "0.05¢ ($0.0005)" and "no price" not in fields
    assert fields["not readable"] == "count"


def test_exact_forms() -> None:
    assert exact_holding(100) == "YES 1" and exact_holding(0) == "0" and exact_holding(-1) == "NO 0.01"
    assert exact_price(10_000) == "100¢ ($1.00)"
    assert exact_time(10**20) == "invalid" and exact_holding(10**30) == "invalid"


def test_fractions_are_shown_to_every_digit_or_rounded_after_an_approximately_sign() -> None:
    assert exact_money_fraction(Fraction(-11_360_001, 2)) == "-$5.6800005"
    assert exact_money_fraction(Fraction(-5_680_000)) == "-$5.68"
    assert exact_money_fraction(Fraction(1, 3)) == "≈ $0.000000333333"
    assert exact_price_fraction(Fraction(47_171, 2)) == "235.855¢"
    assert exact_price_fraction(Fraction(215_428_517, 91_354)) == "≈ 23.581727893688¢"
