"""The REST API as a recording saw it: a replay asks the same questions and gets the same answers.

:class:`RecordedRest` is a :class:`~app.rest.client.RestClient` that answers from a recording's
REST responses instead of the network: each ``GET path`` takes the next response recorded for that
path, in the order they were received. The query is not compared: a replay asks in the session's
order, but some queries hold times (fills since the last load) that differ from the session's.
"""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Iterable, Mapping
from typing import Any

from app.feed.recording import RecordedResponse
from app.rest.client import RestClient, RestError

REPLAY_URL = "recording:"


class NotRecorded(RestError):
    """A question the recorded session never asked (or asked fewer times)."""


class RecordedRest(RestClient):
    """Answers from recorded responses; a question not recorded (or asked once too often) is a
    :class:`NotRecorded` error, like a server that is not there."""

    def __init__(self, responses: Iterable[RecordedResponse]) -> None:
        super().__init__(REPLAY_URL)
        self._answers: dict[str, deque[dict[str, Any]]] = defaultdict(deque)
        for response in responses:
            self._answers[response.path].append(response.body)

    @property
    def signed(self) -> bool:
        """True when the recording holds account responses."""
        return self.has("/portfolio/balance")

    def has(self, path: str) -> bool:
        """True when a response for ``path`` is still to be given."""
        return bool(self._answers.get(path))

    async def get(self, path: str, params: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """The next recorded response to ``GET path``."""
        answers = self._answers.get(path)
        if not answers:
            raise NotRecorded(f"GET {path}: not in the recording")
        self.requests += 1
        return answers.popleft()

    async def use_account_limits(self) -> str:
        """A replay needs no rate limit."""
        return "basic"
