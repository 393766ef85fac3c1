"""gunicorn's settings for the guide, read by ``scripts/start.sh`` (and by a bare
``gunicorn 'app:create_app()'`` started in this folder).

Threaded workers: a connection waits in the worker's poller until its request
is there, so slow or idle clients do not hold the workers (slowloris); behind
nginx or Caddy, the proxy buffers requests too (README, production notes).
No access log (query strings can carry a visitor's position), and client
addresses are masked in the error log.
"""

import os
import re

from gunicorn.glogging import Logger

bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '5000')}"
workers = int(os.environ.get("WORKERS", "2"))
# gthread, with request heads read by the poller: web/services/serving.py
worker_class = "web.services.serving.BufferingThreadWorker"
threads = int(os.environ.get("THREADS", "8"))
# A request that has not been answered in 30 s restarts its worker; an idle
# kept-alive connection is closed after 5 s.
timeout = 30
graceful_timeout = 20
keepalive = 5
# Requests larger than this are refused by gunicorn itself (the app has its
# own body limit, MAX_CONTENT_LENGTH).
limit_request_line = 8190
limit_request_fields = 100
limit_request_field_size = 8190
accesslog = None
errorlog = "-"

_ADDRESS = re.compile(
    r"\b(?:\d{1,3}\.){3}\d{1,3}\b"  # IPv4
    r"|\b(?:[0-9A-Fa-f]{1,4}:){2,7}[0-9A-Fa-f]{0,4}\b"  # IPv6
    r"|\[[0-9A-Fa-f:.]+\]"
)


def mask_addresses(text: str) -> str:
    """Replace IP addresses in a log message.

    >>> mask_addresses("Invalid request from ip=203.0.113.9: bad line")
    'Invalid request from ip=<address>: bad line'
    """
    return _ADDRESS.sub("<address>", text)


def _masked(msg, args):  # type: ignore[no-untyped-def]
    return mask_addresses(str(msg % args if args else msg))


class MaskingLogger(Logger):
    """gunicorn's logger, with client addresses masked in every message."""

    def critical(self, msg, *args, **kwargs):  # type: ignore[no-untyped-def]
        super().critical(_masked(msg, args), **kwargs)

    def error(self, msg, *args, **kwargs):  # type: ignore[no-untyped-def]
        super().error(_masked(msg, args), **kwargs)

    def warning(self, msg, *args, **kwargs):  # type: ignore[no-untyped-def]
        super().warning(_masked(msg, args), **kwargs)

    def info(self, msg, *args, **kwargs):  # type: ignore[no-untyped-def]
        super().info(_masked(msg, args), **kwargs)

    def debug(self, msg, *args, **kwargs):  # type: ignore[no-untyped-def]
        super().debug(_masked(msg, args), **kwargs)

    def exception(self, msg, *args, **kwargs):  # type: ignore[no-untyped-def]
        super().exception(_masked(msg, args), **kwargs)

    def log(self, lvl, msg, *args, **kwargs):  # type: ignore[no-untyped-def]
        super().log(lvl, _masked(msg, args), **kwargs)


logger_class = MaskingLogger
