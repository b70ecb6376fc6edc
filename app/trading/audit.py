"""The local audit log: one JSON object a line for every order action and every answer.

Only the fields named in :data:`FIELDS` are written, so nothing secret (a key id, a signature,
a header) can reach the file whatever a caller passes.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

FIELDS = (
    "event", "ticker", "side", "action", "count", "price", "time_in_force", "post_only", "reduce_only",
    "client_order_id", "order_id", "status", "reason", "attempt", "http_status", "environment",
    "position", "closes", "opens",
)


class AuditLog:
    """Appends records to ``path`` (JSON Lines); ``clock`` gives the time in seconds."""

    def __init__(self, path: str | Path, clock: Callable[[], float] = time.time) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._clock = clock

    def write(self, event: str, **fields: Any) -> dict[str, Any]:
        """Append one record (unknown fields are dropped); returns what was written."""
        record: dict[str, Any] = {"ts": round(self._clock(), 3), "event": event}
        record.update((name, value) for name, value in fields.items() if name in FIELDS and value is not None)
        with self.path.open("a", encoding="utf-8") as out:
            out.write(json.dumps(record, ensure_ascii=False, sort_keys=True) + "\n")
        return record

    def records(self) -> list[dict[str, Any]]:
        """Every record written so far, oldest first."""
        if not self.path.exists():
            return []
        return [json.loads(line) for line in self.path.read_text(encoding="utf-8").splitlines() if line]
