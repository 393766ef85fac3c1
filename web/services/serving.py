"""gunicorn's threaded worker, made safe from slow clients (``gunicorn.conf.py``).

gunicorn's ``gthread`` worker hands a connection to a thread as soon as its
first bytes arrive; the thread then blocks until the request's headers are
complete, so a few dozen clients that dribble half a request (slowloris) hold
every thread and the site stops answering. Here the worker's own poller reads
each request's head without blocking and only a request whose headers are all
there goes to a thread; a head not complete within ``HEAD_TIMEOUT_S`` is
dropped. Slow *bodies* are the reverse proxy's to buffer (README).
"""

from __future__ import annotations

import selectors
import time
from collections import deque
from functools import partial
from typing import Any

from gunicorn.workers.gthread import ThreadWorker

HEAD_TIMEOUT_S = 10.0
# More than gunicorn's own limits allow: the parser answers such a head (431).
MAX_HEAD_BYTES = 64 * 1024
END_OF_HEAD = b"\r\n\r\n"


class BufferingThreadWorker(ThreadWorker):  # type: ignore[misc]
    """``gthread``, with request heads read by the poller, not by the threads."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.heads: deque[Any] = deque()  # connections still sending a head

    def enqueue_req(self, conn: Any) -> None:
        """Every path to a thread (new, kept-alive, pipelined) passes here."""
        if getattr(conn, "head_complete", False):
            conn.head_complete = False  # the next request waits for its head again
            super().enqueue_req(conn)
            return
        conn.head = bytearray()
        if conn.parser is not None:  # bytes read ahead on a kept-alive connection
            conn.head += conn.parser.unreader.take_buffered()
        conn.head_deadline = time.monotonic() + HEAD_TIMEOUT_S
        if not self._dispatch_if_complete(conn):
            conn.sock.setblocking(False)
            self.heads.append(conn)
            self.poller.register(
                conn.sock, selectors.EVENT_READ, partial(self._on_head_readable, conn)
            )

    def _on_head_readable(self, conn: Any, _sock: Any) -> None:
        try:
            data = conn.sock.recv(MAX_HEAD_BYTES)
        except BlockingIOError:
            return
        except OSError:
            data = b""
        if not data:  # the client went away
            self._forget(conn)
            return
        conn.head += data
        if self._complete(conn):
            self.poller.unregister(conn.sock)
            self.heads.remove(conn)
            self._dispatch_if_complete(conn)

    @staticmethod
    def _complete(conn: Any) -> bool:
        return END_OF_HEAD in conn.head or len(conn.head) > MAX_HEAD_BYTES

    def _dispatch_if_complete(self, conn: Any) -> bool:
        if not self._complete(conn):
            return False
        conn.sock.setblocking(True)
        conn.init()  # the HTTP parser, once per connection
        conn.parser.unreader.unread(bytes(conn.head))
        conn.head = bytearray()
        conn.data_ready = True  # no waiting for data in the thread
        conn.head_complete = True
        self.enqueue_req(conn)
        return True

    def _forget(self, conn: Any) -> None:
        try:
            self.poller.unregister(conn.sock)
        except (OSError, KeyError, ValueError):
            pass
        if conn in self.heads:
            self.heads.remove(conn)
        self.nr_conns -= 1
        conn.close()

    def murder_pending(self) -> None:
        """Also drop the connections whose head is late (called every loop)."""
        super().murder_pending()
        now = time.monotonic()
        while self.heads and self.heads[0].head_deadline <= now:
            self._forget(self.heads[0])
