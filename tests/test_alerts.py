"""Alert rules: parsing from the dialog and the config, evaluation against the state, rate limit."""

from __future__ import annotations

import pytest

from app.core import protocol as p
from app.core.alerts import AlertCenter, RateLimit, Rule, RuleError, RuleKind, parse_rule, rule_from_table
from app.core.state import Kind, MarketState

M = "KXA-1-B51"


def trade(state: MarketState, price: int, count: int = 100, market: str = M, taker: str | None = "yes") -> Kind:
    return state.apply(p.Trade(market_ticker=market, yes_price=price, no_price=10_000 - price,
                               count=count, taker_side=taker))


def quote(state: MarketState, bid: int | None, ask: int | None, market: str = M, last: int | None = None) -> Kind:
    return state.apply(p.Ticker(market_ticker=market, price=last, yes_bid=bid, yes_ask=ask))


def center(state: MarketState, *rules: Rule, **limits: float) -> AlertCenter:
    limit = RateLimit(**limits) if limits else RateLimit(cooldown=0, burst=1_000)
    return AlertCenter(state, rules, limit=limit)


def test_parse_rule_reads_cents_contracts_and_event_types() -> None:
    assert parse_rule(RuleKind.LAST_CROSSES, " kxa-1-b51 ", "41.5¢") == Rule(RuleKind.LAST_CROSSES, M, 4150)
    assert parse_rule(RuleKind.SPREAD_BELOW, M, "2") == Rule(RuleKind.SPREAD_BELOW, M, 200)
    assert parse_rule(RuleKind.PRINT_AT_LEAST, "", "12.5") == Rule(RuleKind.PRINT_AT_LEAST, None, 1250)
    assert parse_rule(RuleKind.LIFECYCLE, "", "Settled") == Rule(RuleKind.LIFECYCLE, None, event_type="settled")
    assert parse_rule(RuleKind.LIFECYCLE, M, "") == Rule(RuleKind.LIFECYCLE, M)
    assert parse_rule(RuleKind.FILL, "", "ignored") == Rule(RuleKind.FILL)


@pytest.mark.parametrize(("kind", "market", "value", "says"), [
    (RuleKind.LAST_CROSSES, "", "45", "name the market"),
    (RuleKind.LAST_CROSSES, M, "forty", "not a price in cents"),
    (RuleKind.LAST_CROSSES, M, "101", "outside"),
    (RuleKind.LAST_CROSSES, M, "41.555", "not a price in cents"),
    (RuleKind.SPREAD_BELOW, M, "0", "outside"),
    (RuleKind.PRINT_AT_LEAST, "", "0", "more than 0"),
    (RuleKind.PRINT_AT_LEAST, "", "lots", "not a number of contracts"),
    (RuleKind.LIFECYCLE, "", "exploded", "unknown lifecycle event"),
])
def test_parse_rule_says_what_is_wrong(kind: RuleKind, market: str, value: str, says: str) -> None:
    with pytest.raises(RuleError, match=says):
        parse_rule(kind, market, value)


def test_rules_from_config_tables() -> None:
    assert rule_from_table({"market": M, "last_crosses": 45}) == Rule(RuleKind.LAST_CROSSES, M, 4500)
    assert rule_from_table({"market": M, "spread_below": 1.5}) == Rule(RuleKind.SPREAD_BELOW, M, 150)
    assert rule_from_table({"print_at_least": 500}) == Rule(RuleKind.PRINT_AT_LEAST, None, 50_000)
    assert rule_from_table({"lifecycle": "any"}) == Rule(RuleKind.LIFECYCLE)
    assert rule_from_table({"fill": True, "market": M}) == Rule(RuleKind.FILL, M)
    for bad, says in (({"last_crosses": 45, "spread_below": 2, "market": M}, "exactly one"),
                      ({"market": M}, "exactly one"), ({"fill": True, "colour": "red"}, "unknown key"),
                      ({"fill": "yes"}, "fill takes true"), ({"print_at_least": True}, "takes a number"),
                      ({"market": 5, "fill": True}, "ticker string"), ({"spread_below": 2}, "name the market")):
        with pytest.raises(RuleError, match=says):
            rule_from_table(bad)


def test_last_crossing_fires_on_each_print_through_the_level_either_way() -> None:
    state = MarketState()
    trade(state, 4400)
    alerts = center(state, Rule(RuleKind.LAST_CROSSES, M, 4500))
    for price in (4450, 4500, 4600, 4550):  # up through 45¢ at the second print
        trade(state, price)
    (up,) = alerts.evaluate(Kind.TRADE, 1.0)
    assert "▲ 45¢ crossed 45¢ (from 44.5¢)" in up.text and up.market == M
    trade(state, 4400)
    trade(state, 4700)  # down and up again within one frame: both are seen
    texts = [a.text for a in alerts.evaluate(Kind.TRADE | Kind.TICKER, 2.0)]
    assert len(texts) == 2 and "▼ 44¢" in texts[0] and "▲ 47¢" in texts[1]
    assert alerts.evaluate(Kind.TRADE, 3.0) == []  # nothing new


def test_last_crossing_from_the_ticker_when_the_market_has_no_prints() -> None:
    state = MarketState()
    quote(state, 4000, 4200, last=4100)
    alerts = center(state, Rule(RuleKind.LAST_CROSSES, M, 4500))
    quote(state, 4500, 4700, last=4600)
    (alert,) = alerts.evaluate(Kind.TICKER, 1.0)
    assert "▲ 46¢ crossed 45¢ (from 41¢)" in alert.text


def test_spread_alert_fires_when_it_narrows_and_rearms_when_it_widens() -> None:
    state = MarketState()
    quote(state, 4000, 4300)
    alerts = center(state, Rule(RuleKind.SPREAD_BELOW, M, 200))
    assert alerts.evaluate(Kind.TICKER, 1.0) == []
    quote(state, 4100, 4200)
    (alert,) = alerts.evaluate(Kind.TICKER, 2.0)
    assert "spread 1¢ (41¢ / 42¢), narrower than 2¢" in alert.text
    assert alerts.evaluate(Kind.TICKER, 3.0) == []  # still narrow: said once
    quote(state, 4000, 4300)
    assert alerts.evaluate(Kind.TICKER, 4.0) == []
    quote(state, 4150, 4200)
    assert len(alerts.evaluate(Kind.TICKER, 5.0)) == 1
    quote(state, None, 4200)  # one-sided: no spread, not narrow
    assert alerts.evaluate(Kind.TICKER, 6.0) == []


def test_big_prints_of_one_market_or_any() -> None:
    state = MarketState()
    alerts = center(state, Rule(RuleKind.PRINT_AT_LEAST, None, 50_000), Rule(RuleKind.PRINT_AT_LEAST, M, 1_000))
    trade(state, 4100, 49_999)
    trade(state, 4100, 50_000, market="KXB-2-T1")
    fired = alerts.evaluate(Kind.TRADE, 1.0)
    assert [(a.rule_id, a.market) for a in fired] == [(2, M), (1, "KXB-2-T1")]
    assert "print of 500: taker bought YES at 41¢" in fired[-1].text


def test_a_print_names_the_side_taken_at_that_sides_price() -> None:
    """One convention for sides and prices: a no taker's print reads at the no price."""
    state = MarketState()
    alerts = center(state, Rule(RuleKind.PRINT_AT_LEAST, None, 100))
    trade(state, 4100, 100, taker="no")
    trade(state, 4100, 100, taker=None)
    texts = [a.text for a in alerts.evaluate(Kind.TRADE, 1.0)]
    assert texts == [f"{M}: print of 1: taker bought NO at 59¢", f"{M}: print of 1 at YES 41¢"]


def test_fills_and_lifecycle_events() -> None:
    state = MarketState()
    alerts = center(state, Rule(RuleKind.FILL), Rule(RuleKind.LIFECYCLE, M, event_type="settled"),
                    Rule(RuleKind.LIFECYCLE))
    state.apply(p.Fill(market_ticker=M, yes_price=4100, count=300, side="yes", action="buy"))
    state.apply(p.Fill(market_ticker=M, yes_price=4100, count=50, side="no", action="sell"))
    state.apply(p.MarketLifecycle(market_ticker=M, event_type="settled", result="yes"))
    state.apply(p.MarketLifecycle(market_ticker="KXB-2-T1", event_type="activated"))
    fired = alerts.evaluate(Kind.FILL | Kind.LIFECYCLE, 1.0)
    assert [(a.rule_id, a.text) for a in fired] == [
        (1, f"{M}: filled buy yes 3 at 41¢"),
        (1, f"{M}: filled sell no 0.50 at 59¢"),  # the price of the side traded
        (2, f"{M}: settled (result yes)"),
        (3, f"{M}: settled (result yes)"),
        (3, "KXB-2-T1: activated"),
    ]


def test_history_before_the_center_started_does_not_fire() -> None:
    state = MarketState()
    trade(state, 4100, 99_900)
    alerts = center(state, Rule(RuleKind.PRINT_AT_LEAST, None, 100))
    assert alerts.evaluate(Kind.TRADE, 1.0) == []


def test_rate_limit_holds_back_notifications_but_logs_every_alert() -> None:
    state = MarketState()
    alerts = center(state, Rule(RuleKind.PRINT_AT_LEAST, None, 100), Rule(RuleKind.FILL),
                    cooldown=10, burst=2, window=5)
    for _ in range(3):
        trade(state, 4100)
    first = alerts.evaluate(Kind.TRADE, 0.0)
    assert [a.notified for a in first] == [True, False, False]  # the rule's cooldown
    state.apply(p.Fill(market_ticker=M, yes_price=4100, count=100))
    assert [a.notified for a in alerts.evaluate(Kind.FILL, 1.0)] == [True]
    trade(state, 4100)
    state.apply(p.Fill(market_ticker=M, yes_price=4100, count=100))
    # 11 s later the print rule is out of cooldown, but the burst of 2 in 5 s is not reached
    assert [a.notified for a in alerts.evaluate(Kind.TRADE | Kind.FILL, 11.0)] == [True, True]
    trade(state, 4100)
    assert [a.notified for a in alerts.evaluate(Kind.TRADE, 22.0)] == [True]
    assert (alerts.fired, alerts.suppressed, len(alerts.log)) == (7, 2, 7)


def test_burst_limit_across_rules() -> None:
    limit = RateLimit(cooldown=0, burst=2, window=5)
    assert [limit.allow(rule, 0.0) for rule in (1, 2, 3)] == [True, True, False]
    assert limit.allow(3, 5.0)


def test_removed_rules_stop_firing() -> None:
    state = MarketState()
    alerts = center(state, Rule(RuleKind.PRINT_AT_LEAST, None, 100))
    alerts.remove(1)
    trade(state, 4100)
    assert alerts.evaluate(Kind.TRADE, 1.0) == [] and alerts.rule_text(1) == "removed rule"


def test_without_rules_what_arrives_is_taken_as_seen() -> None:
    state = MarketState()
    alerts = center(state)
    trade(state, 4100, 99_900)
    assert alerts.evaluate(Kind.TRADE, 1.0) == []
    alerts.add(Rule(RuleKind.PRINT_AT_LEAST, None, 100))
    assert alerts.evaluate(Kind.TRADE, 2.0) == []  # the print came before the rule
    trade(state, 4100, 200)
    (alert,) = alerts.evaluate(Kind.TRADE, 3.0)
    assert alerts.fired_by_rule == {1: 1} and alerts.last_fired == {1: 3.0} and alert.rule_id == 1
