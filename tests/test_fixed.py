"""Exact fixed-point units: parsing every wire form, formatting, and round trips."""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.core import fixed


@pytest.mark.parametrize(
    ("text", "places", "expected"),
    [
        ("0.4150", 4, 4150),
        ("0.415", 4, 4150),
        ("1", 4, 10_000),
        ("1.", 4, 10_000),
        ("0.41500000", 4, 4150),  # trailing zeros beyond the precision are harmless
        ("-54.00", 2, -5400),
        ("2230.99", 2, 223_099),
        ("0.012345", 6, 12_345),
        ("-0", 2, 0),
    ],
)
def test_parse_decimal_is_exact(text: str, places: int, expected: int) -> None:
    assert fixed.parse_decimal(text, places) == expected


@pytest.mark.parametrize(
    "text",
    ["", "abc", "1e3", "0x10", "1,000", "+1", ".5", "1.2.3", "nan", "inf", "1_000", "٠.٥", "１"],
)
def test_parse_decimal_rejects_non_decimals(text: str) -> None:
    with pytest.raises(ValueError, match="not a decimal number"):
        fixed.parse_decimal(text, 4)


def test_parse_decimal_rejects_digits_it_would_have_to_round() -> None:
    with pytest.raises(ValueError, match="more than 4 decimal places"):
        fixed.parse_decimal("0.41505", 4)


def test_parse_decimal_rejects_a_non_string() -> None:
    with pytest.raises(ValueError, match="not a decimal number"):
        fixed.parse_decimal(0.5, 4)  # type: ignore[arg-type]


def test_price_bounds() -> None:
    assert fixed.parse_price("0") == 0
    assert fixed.parse_price("1.0000") == fixed.ONE_DOLLAR
    with pytest.raises(ValueError, match="outside"):
        fixed.parse_price("1.0001")
    with pytest.raises(ValueError, match="outside"):
        fixed.parse_price("-0.01")


def test_integer_wire_forms_convert_to_the_same_units_as_strings() -> None:
    assert fixed.price_from_cents(41) == fixed.parse_price("0.41") == 4100
    assert fixed.count_from_int(136) == fixed.parse_count("136.00") == 13_600
    assert fixed.money_from_centi_cents(3500) == fixed.parse_money("0.35") == 350_000
    assert fixed.money_from_centi_cents(-1) == fixed.parse_money("-0.0001") == -100


@pytest.mark.parametrize("cents", [-1, 101])
def test_cent_prices_outside_a_dollar_are_rejected(cents: int) -> None:
    with pytest.raises(ValueError, match="outside 0..100"):
        fixed.price_from_cents(cents)


@pytest.mark.parametrize(
    ("price", "dollars", "cents"),
    [(4150, "0.415", "41.5"), (4100, "0.41", "41"), (1, "0.0001", "0.01"), (10_000, "1.00", "100"), (0, "0.00", "0")],
)
def test_price_formats(price: int, dollars: str, cents: str) -> None:
    assert fixed.format_price_dollars(price) == dollars
    assert fixed.format_price_cents(price) == cents


@pytest.mark.parametrize(
    ("count", "text"), [(223_099, "2,230.99"), (1300, "13"), (-5, "-0.05"), (0, "0"), (123_456_700, "1,234,567")]
)
def test_format_count(count: int, text: str) -> None:
    assert fixed.format_count(count) == text


@pytest.mark.parametrize(
    ("amount", "text"),
    [(-1_234_500_000, "-$1,234.50"), (12_345, "$0.012345"), (0, "$0.00"), (50_000_000, "$50.00"), (-1, "-$0.000001")],
)
def test_format_money(amount: int, text: str) -> None:
    assert fixed.format_money(amount) == text


def test_wire_forms() -> None:
    assert fixed.to_wire_price(4150) == "0.4150"
    assert fixed.to_wire_price(10_000) == "1.0000"
    assert fixed.to_wire_count(-5400) == "-54.00"
    assert fixed.to_wire_count(16) == "0.16"
    assert fixed.to_wire_money(350_000) == "0.350000"
    assert fixed.to_wire_money(-12_345) == "-0.012345"


@given(st.integers(min_value=0, max_value=fixed.ONE_DOLLAR))
def test_price_round_trips(price: int) -> None:
    assert fixed.parse_price(fixed.to_wire_price(price)) == price


@given(st.integers(min_value=-(10**12), max_value=10**12))
def test_count_and_money_round_trip(value: int) -> None:
    assert fixed.parse_count(fixed.to_wire_count(value)) == value
    assert fixed.parse_money(fixed.to_wire_money(value)) == value


def _outcome(parse: Callable[[str, int], int], text: str, places: int) -> int | str:
    try:
        return parse(text, places)
    except ValueError as exc:
        return f"ValueError: {exc}"


# Mostly wire-shaped strings, with the characters int() takes and the regex refuses mixed in.
_NEAR_DECIMALS = st.text(alphabet="0123456789.-+_ \t٣²１", max_size=12) | st.from_regex(
    r"-?[0-9]{1,12}\.[0-9]{0,7}", fullmatch=True
)


@given(_NEAR_DECIMALS, st.sampled_from([fixed.PRICE_PLACES, fixed.COUNT_PLACES, fixed.MONEY_PLACES]))
def test_parse_decimal_agrees_with_the_regex_reading(text: str, places: int) -> None:
    assert _outcome(fixed.parse_decimal, text, places) == _outcome(fixed.parse_decimal_general, text, places)


@pytest.mark.parametrize(
    ("text", "places"),
    [(".50", 2), ("-.50", 2), ("1.2.34", 2), ("--1.00", 2), ("1_0.00", 2), ("+1.00", 2), (" 1.00", 2),
     ("٣.00", 2), ("²1.00", 2), ("-0.00", 2), ("007.00", 2), ("12.", 0)],
)
def test_parse_decimal_edge_shapes_agree_with_the_regex_reading(text: str, places: int) -> None:
    assert _outcome(fixed.parse_decimal, text, places) == _outcome(fixed.parse_decimal_general, text, places)


@pytest.mark.parametrize(
    ("cached", "uncached", "text", "expected"),
    [
        (fixed.parse_count, fixed.parse_count_uncached, "2230.99", 223_099),
        (fixed.parse_money, fixed.parse_money_uncached, "-57.343300", -57_343_300),
    ],
)
def test_uncached_parses_match_the_cached_ones(
    cached: Callable[[str], int], uncached: Callable[[str], int], text: str, expected: int
) -> None:
    assert uncached(text) == cached(text) == expected
    for bad in ("1_000.00", "0.1234567"):
        with pytest.raises(ValueError) as from_uncached:
            uncached(bad)
        with pytest.raises(ValueError) as from_cached:
            cached(bad)
        assert str(from_uncached.value) == str(from_cached.value)


def test_a_memo_keeps_results_not_errors_and_stays_bounded() -> None:
    calls: list[str] = []

    def parse(text: str) -> int:
        calls.append(text)
        return fixed.parse_count_uncached(text)

    memo = fixed.Memo(parse, size=2)
    assert memo["1.00"] == memo["1.00"] == 100
    assert calls == ["1.00"]  # the second read was a hit
    for _ in range(2):
        with pytest.raises(ValueError, match="not a decimal number"):
            memo["x"]
    assert calls == ["1.00", "x", "x"]  # an error is raised again, never stored
    memo["2.00"]
    memo["3.00"]  # the memo was full: it starts again empty
    assert dict(memo) == {"3.00": 300}


@pytest.mark.parametrize(
    ("parse", "memo", "text"),
    [(fixed.parse_price, fixed.PRICES, "0.4150"), (fixed.parse_count, fixed.COUNTS, "12.50"),
     (fixed.parse_money, fixed.MONEY, "-0.350000")],
)
def test_the_parse_functions_read_their_memos(parse: Callable[[str], int], memo: fixed.Memo, text: str) -> None:
    memo.clear()
    assert parse(text) == memo[text] == memo.parse(text)
    assert text in memo


@pytest.mark.parametrize(
    ("amount", "text"),
    [
        (72_702_420, "$72.70"),
        (9_792_000, "$9.79"),
        (-1_234_500_000, "-$1,234.50"),
        (5_000, "$0.00"),  # half a cent: to the even cent
        (15_000, "$0.02"),
        (-4_999, "$0.00"),  # never "-$0.00"
        (Fraction(25_001, 2), "$0.01"),
        (fixed.SHOWN_LIMIT, fixed.INVALID),
    ],
)
def test_format_money_cents_lines_up_to_the_cent(amount: int | Fraction, text: str) -> None:
    assert fixed.format_money_cents(amount) == text
