"""Kalshi's REST API v2 beside the socket: what already exists when the dashboard connects.

``client`` makes signed, paced, retried requests; ``limiter`` is its token bucket; ``catalog``
and ``portfolio`` turn pages of events, markets and account data into state. Plain asyncio: no
Textual.
"""
