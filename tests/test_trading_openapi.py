"""The order writes against Kalshi's OpenAPI: the client's request bodies and the simulator's
answers carry exactly the field names (and enumeration values) the OpenAPI defines.

The names below were written down from the OpenAPI (Trade API 3.20: ``CreateOrderRequest``,
``AmendOrderRequest``, ``DecreaseOrderRequest``, the batched requests, ``Order``, the responses
and ``ErrorResponse``). A body may leave out what is optional, never a required name, and never
carry a name the OpenAPI does not define.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from app.core.fixed import CENT, COUNT_SCALE
from app.trading.orders import plain_reason
from app.trading.requests import amend_body, batch_cancel_body
from app.trading.ticket import ACTIONS, SIDES, TIME_IN_FORCE, OrderTicket
from tests.test_trading_orders import bid, first_ticker, trading

Names = tuple[frozenset[str], frozenset[str]]  # (every name defined, the required ones)


def names(defined: str, required: str = "") -> Names:
    return frozenset(defined.split()), frozenset(required.split())


CREATE_REQUEST = names(
    "ticker client_order_id side action count count_fp yes_price no_price yes_price_dollars no_price_dollars "
    "expiration_ts time_in_force buy_max_cost post_only reduce_only sell_position_floor "
    "self_trade_prevention_type order_group_id cancel_order_on_pause subaccount exchange_index",
    "ticker side action",
)
AMEND_REQUEST = names(
    "subaccount ticker side action client_order_id updated_client_order_id yes_price no_price "
    "yes_price_dollars no_price_dollars count count_fp exchange_index",
    "ticker side action",
)
DECREASE_REQUEST = names("subaccount reduce_by reduce_by_fp reduce_to reduce_to_fp exchange_index")
BATCH_CREATE_REQUEST = names("orders", "orders")
BATCH_CANCEL_REQUEST = names("ids orders")
BATCH_CANCEL_REQUEST_ORDER = names("order_id subaccount exchange_index", "order_id")
ORDER_REQUIRED = (
    "order_id user_id client_order_id ticker side action outcome_side book_side type status yes_price_dollars "
    "no_price_dollars fill_count_fp remaining_count_fp initial_count_fp taker_fees_dollars maker_fees_dollars "
    "taker_fill_cost_dollars maker_fill_cost_dollars"
)
ORDER = names(
    ORDER_REQUIRED + " expiration_time created_time last_update_time self_trade_prevention_type order_group_id "
    "cancel_order_on_pause subaccount_number exchange_index",
    ORDER_REQUIRED,
)
CREATE_RESPONSE = names("order", "order")
CANCEL_RESPONSE = names("order reduced_by_fp", "order reduced_by_fp")
AMEND_RESPONSE = names("old_order order", "old_order order")
DECREASE_RESPONSE = names("order", "order")
GET_ORDERS_RESPONSE = names("orders cursor", "orders cursor")
BATCH_CREATE_RESPONSE_ITEM = names("client_order_id order error")
BATCH_CANCEL_RESPONSE_ITEM = names("order_id order reduced_by_fp error", "order_id reduced_by_fp")
ERROR_RESPONSE = names("code message details service")
ENUMS = {
    "side": {"yes", "no"}, "action": {"buy", "sell"}, "outcome_side": {"yes", "no"}, "book_side": {"bid", "ask"},
    "type": {"limit", "market"}, "status": {"resting", "canceled", "executed"},
    "time_in_force": {"fill_or_kill", "good_till_canceled", "immediate_or_cancel"},
    "self_trade_prevention_type": {"taker_at_cross", "maker"},
}


def conforms(body: Any, schema: Names) -> None:
    """``body`` is an object with every required name, only defined names and enumerated values."""
    defined, required = schema
    assert isinstance(body, dict)
    assert required <= body.keys(), f"missing {sorted(required - body.keys())}"
    assert body.keys() <= defined, f"not in the OpenAPI: {sorted(body.keys() - defined)}"
    for name, allowed in ENUMS.items():
        if body.get(name) is not None:
            assert body[name] in allowed, f"{name}={body[name]!r}"


def test_the_clients_request_bodies_use_the_openapi_names() -> None:
    assert set(SIDES) == ENUMS["side"] and set(ACTIONS) == ENUMS["action"]
    assert set(TIME_IN_FORCE) == ENUMS["time_in_force"]
    for side in SIDES:
        for action in ACTIONS:
            for tif in TIME_IN_FORCE:
                for flags in ({}, {"post_only": True}, {"reduce_only": True}):
                    ticket = OrderTicket("T", side, action, 5 * COUNT_SCALE, 41 * CENT, tif, **flags)  # type: ignore[arg-type]
                    conforms(ticket.wire("c1"), CREATE_REQUEST)
            conforms(amend_body("T", side, action, 41 * CENT, 7 * COUNT_SCALE), AMEND_REQUEST)
    conforms({"orders": [bid("T").wire("c1")]}, BATCH_CREATE_REQUEST)
    cancel = batch_cancel_body(["a", "b"])
    conforms(cancel, BATCH_CANCEL_REQUEST)
    for item in cancel["orders"]:  # type: ignore[union-attr]
        conforms(item, BATCH_CANCEL_REQUEST_ORDER)


def test_kalshis_error_body_is_read_in_each_of_its_shapes() -> None:
    words = "not enough cash in the account for this order"
    assert plain_reason(400, {"code": "insufficient_balance", "message": "x", "service": "exchange"}) == words
    assert plain_reason(400, {"error": {"code": "insufficient_balance", "message": "x"}}) == words
    assert plain_reason(429, {"error": "too many requests"}).startswith("the exchange's rate limit")
    assert plain_reason(400, {"code": "something_new", "message": "Something new"}) == "Something new"
    assert plain_reason(502, {}) == "HTTP 502"


async def test_the_simulators_order_answers_use_the_openapi_names(tmp_path: Path) -> None:
    async with trading(tmp_path) as (sim, service):
        ticker = first_ticker(sim)
        sim.orders.write_limit = 10_000  # a tier with room for every write below at once
        write = service.client.write
        placed = []
        for side in SIDES:
            for action in ACTIONS:
                # A sale at 98 cents bids 2 cents on the other side: every order rests.
                price = 2 * CENT if action == "buy" else 98 * CENT
                ticket = OrderTicket(ticker, side, action, 3 * COUNT_SCALE, price)
                status, body = await write("POST", "/portfolio/orders", ticket.wire(f"{side}-{action}"))
                assert status == 201, body
                conforms(body, CREATE_RESPONSE)
                conforms(body["order"], ORDER)
                assert (body["order"]["side"], body["order"]["action"]) == (side, action)
                placed.append(body["order"])
        first = placed[0]
        status, body = await write("POST", f"/portfolio/orders/{first['order_id']}/amend",
                                   amend_body(ticker, "yes", "buy", 3 * CENT, 5 * COUNT_SCALE))
        assert status == 200, body
        conforms(body, AMEND_RESPONSE)
        conforms(body["old_order"], ORDER)
        conforms(body["order"], ORDER)
        decrease = {"reduce_by_fp": "1.00"}
        conforms(decrease, DECREASE_REQUEST)
        status, body = await write("POST", f"/portfolio/orders/{first['order_id']}/decrease", decrease)
        assert status == 200, body
        conforms(body, DECREASE_RESPONSE)
        conforms(body["order"], ORDER)
        status, body = await write("DELETE", f"/portfolio/orders/{placed[1]['order_id']}", None)
        assert status == 200, body
        conforms(body, CANCEL_RESPONSE)
        conforms(body["order"], ORDER)
        page = await service.client.get("/portfolio/orders", {"ticker": ticker})
        conforms(page, GET_ORDERS_RESPONSE)
        for order in page["orders"]:
            conforms(order, ORDER)
        bad = bid(ticker, price=2 * CENT + 1).wire("bad")
        status, body = await write("POST", "/portfolio/orders/batched", {"orders": [bid(ticker).wire("b1"), bad]})
        assert status == 201
        for item in body["orders"]:
            conforms(item, BATCH_CREATE_RESPONSE_ITEM)
        assert [item["client_order_id"] for item in body["orders"]] == ["b1", "bad"]
        conforms(body["orders"][0]["order"], ORDER)
        conforms(body["orders"][1]["error"], ERROR_RESPONSE)
        status, body = await write("DELETE", "/portfolio/orders/batched",
                                   batch_cancel_body([placed[2]["order_id"], "no-such-order"]))
        assert status == 200
        for item in body["orders"]:
            conforms(item, BATCH_CANCEL_RESPONSE_ITEM)
        assert [item["reduced_by_fp"] for item in body["orders"]] == ["3.00", "0.00"]
        conforms(body["orders"][0]["order"], ORDER)
        conforms(body["orders"][1]["error"], ERROR_RESPONSE)
        status, body = await write("POST", "/portfolio/orders", bid(ticker).wire("b1"))
        assert status == 409
        conforms(body["error"], ERROR_RESPONSE)
        assert body["error"]["code"] == "order_already_exists"


async def test_the_simulator_refuses_what_the_openapi_does_not_allow(tmp_path: Path) -> None:
    async with trading(tmp_path) as (sim, service):
        sim.orders.write_limit = 10_000  # a tier with room for every write below at once
        body = bid(first_ticker(sim)).wire("x")
        for wrong in ({"count": 4}, {"time_in_force": "gtt"}, {"action": None}):
            status, answer = await service.client.write("POST", "/portfolio/orders", body | wrong)
            assert status == 400 and answer["error"]["code"] == "invalid_parameters", wrong
        status, _answer = await service.client.write("POST", "/portfolio/orders", body | {"count": 3})
        assert status == 201 and sim.orders.created == 1  # count and count_fp given alike
