"""One connection's protocol state without a socket: which frames consume a ``seq`` on a sid."""

from __future__ import annotations

import json
from typing import Any

import pytest

from app.core import protocol as p
from app.simulator.engine import Exchange
from app.simulator.session import Session


def _answers(session: Session, command: dict[str, Any]) -> list[tuple[str, int | None]]:
    """Each frame that answers ``command``: its message class and its ``seq``."""
    return [(type(m).__name__, m.seq) for m in map(p.parse, session.handle(json.dumps(command)))]


@pytest.mark.parametrize("legacy", [False, True], ids=["current", "legacy"])
def test_acks_on_a_sid_consume_its_seq_today_and_carry_none_in_the_reference(legacy: bool) -> None:
    exchange = Exchange(events=2, markets=4, legacy=legacy)
    first, second = exchange.active_tickers()[:2]
    session = Session(exchange)
    answers = [
        _answers(session, p.subscribe(1, [p.ORDERBOOK_DELTA], [first])),
        _answers(session, p.update_subscription(2, "add_markets", sid=1, market_tickers=[second])),
        _answers(session, p.update_subscription(3, "delete_markets", sid=1, market_tickers=[first])),
        _answers(session, p.update_subscription(4, "get_snapshot", sid=1)),
        _answers(session, p.unsubscribe(5, [1])),
    ]
    if legacy:  # seq on data only; no get_snapshot
        assert answers == [
            [("Subscribed", None), ("OrderbookSnapshot", 1)],
            [("Ok", None), ("OrderbookSnapshot", 2)],
            [("Ok", None)],
            [("ErrorMessage", None)],
            [("Unsubscribed", None)],
        ]
    else:  # the ok and unsubscribed acks each take the next seq on the sid; subscribed takes none
        assert answers == [
            [("Subscribed", None), ("OrderbookSnapshot", 1)],
            [("Ok", 2), ("OrderbookSnapshot", 3)],
            [("Ok", 4)],
            [("OrderbookSnapshot", 5)],
            [("Unsubscribed", 6)],
        ]
