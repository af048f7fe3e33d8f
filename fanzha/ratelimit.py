"""A small in-memory sliding-window rate limiter shared by the public web forms and the anonymous API calls.

Per process: behind several workers or a reverse proxy, each worker counts on its own (see the README).
"""

from __future__ import annotations

import threading
import time
from collections import deque


class RateLimiter:
    """In-memory sliding window per key (the client IP): at most ``limit`` hits in the last ``window`` seconds."""

    def __init__(self, window_seconds: float = 60.0) -> None:
        self.window = window_seconds
        self._hits: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def hit(self, key: str, limit: int, now: float | None = None) -> bool:
        """Record one hit; False when the key is over the limit (the hit is then not counted)."""
        now = time.monotonic() if now is None else now
        with self._lock:
            q = self._hits.setdefault(key, deque())
            while q and now - q[0] >= self.window:
                q.popleft()
            if len(q) >= limit:
                return False
            q.append(now)
            if len(self._hits) > 50_000:  # bound memory: forget idle clients
                for k in [k for k, v in self._hits.items() if not v or now - v[-1] >= self.window]:
                    del self._hits[k]
            return True

    def retry_after(self, key: str, now: float | None = None) -> int:
        now = time.monotonic() if now is None else now
        with self._lock:
            q = self._hits.get(key)
            if not q:
                return 0
            return max(1, int(self.window - (now - q[0])) + 1)

    def reset(self) -> None:
        with self._lock:
            self._hits.clear()
