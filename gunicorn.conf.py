"""gunicorn's settings for Casework (`make serve`; gunicorn reads this file
from the folder it starts in).

WEB_CONCURRENCY sets the number of worker processes. Each worker learns how
many there are (CASEWORK_WORKERS), so that the app refuses to count sign-in
attempts in its own memory when there are several: every worker would then
allow the full limit (see casework/auth/throttle.py). Point
RATELIMIT_STORAGE_URI at Redis instead.
"""

import os

bind = os.environ.get("BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
accesslog = "-"


def on_starting(server):
    os.environ["CASEWORK_WORKERS"] = str(server.cfg.workers)
    # Each worker then says where sign-in throttling counts (or refuses to start).
    server.log.info("Casework: %s workers", server.cfg.workers)
