"""Overlapping windows of a long text, in characters, from its tokens' character offsets.

Shared by the embedders (torch and ONNX Runtime), so that both cut a long clause at the same places.
"""

from __future__ import annotations

from collections.abc import Sequence


def step(room: int, overlap: int) -> int:
    """How far one window starts after the previous: at least one token, overlapping at most half a window
    (a model whose window is shorter than the overlap would otherwise get no window at all)."""
    return max(1, room - min(overlap, room // 2))


def token_windows(offsets: Sequence[tuple[int, int]], length: int, room: int, overlap: int) -> list[tuple[int, int]]:
    """Character spans of windows of at most ``room`` tokens; one span (the whole text) if it fits."""
    if len(offsets) <= room:
        return [(0, length)]
    spans: list[tuple[int, int]] = []
    for first in range(0, len(offsets), step(room, overlap)):
        last = min(first + room, len(offsets)) - 1
        spans.append((offsets[first][0], offsets[last][1]))
        if last == len(offsets) - 1:
            break
    return spans
