"""Whole, plain WebSocket data frames split off the bytes a client received (RFC 6455, 5.2).

On an open connection without extensions a server's data frame is a two-to-ten-byte header and
the payload. :func:`split_frames` takes the payloads of whole unfragmented text and binary frames
and stops at the first frame that is anything else, saying what it is: a whole control frame
(ping, pong, close), a frame not whole yet, or one it leaves to ``websockets`` (fragmented,
masked, with reserved bits, larger than the size limit).
"""

from __future__ import annotations

from collections.abc import Callable

_FIN = 0x80
_CONTROL = 0x08  # opcodes 8..15 are control frames
# First header byte of a frame taken here: FIN, no reserved bits, text (1) or binary (2).
_PLAIN_DATA = frozenset({_FIN | 1, _FIN | 2})

NEED_MORE = -1  # the frame where it stopped is not whole yet
NOT_PLAIN = -2  # the frame where it stopped is fragmented, masked, reserved-bit or too big


def split_frames(
    data: bytes, position: int, max_size: int | None, append: Callable[[bytes], None]
) -> tuple[int, int]:
    """Append the payload of each whole plain data frame of ``data`` from ``position`` on.

    Returns where it stopped (the start of the first frame not taken, or the end of ``data``)
    and what is there: the end of that frame when it is a whole control frame, else
    :data:`NEED_MORE` (nothing, or a frame not whole yet) or :data:`NOT_PLAIN`.
    """
    size = len(data)
    while size - position >= 2:
        first, length = data[position], data[position + 1]
        if length < 126:
            start = position + 2
        elif length == 126:
            start = position + 4
            if start > size:
                break
            length = data[position + 2] << 8 | data[position + 3]
        elif length == 127:
            start = position + 10
            if start > size:
                break
            length = int.from_bytes(data[position + 2:start], "big")
        else:  # the mask bit: a server never masks
            return position, NOT_PLAIN
        plain = first in _PLAIN_DATA
        if not plain and not first & _CONTROL or (max_size is not None and length > max_size):
            return position, NOT_PLAIN
        end = start + length
        if end > size:
            break
        if not plain:
            return position, end
        append(data[start:end])
        position = end
    return position, NEED_MORE
