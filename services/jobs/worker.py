"""The job worker process: ``python -m services.jobs.worker`` (``geoportal run`` starts it).

Settings come from ``GEOPORTAL_*`` variables like the web process's. SIGTERM and SIGINT
stop it gracefully: procrastinate lets running jobs finish (up to a grace period), and a
job it could not finish is found stalled and retried by another worker later.
"""

from __future__ import annotations

import logging

from geoportal.instance import Instance
from geoportal.settings import Settings
from services.jobs.queue import make_app
from services.jobs.tasks import Runtime, use_runtime

SHUTDOWN_GRACE_S = 20.0


def main() -> None:
    """Run the worker until a signal stops it."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    # procrastinate logs every job's arguments at INFO: e-mail addresses are personal data.
    logging.getLogger("procrastinate").setLevel(logging.WARNING)
    instance = Instance(Settings())
    use_runtime(Runtime(instance))
    app = make_app(instance.database)
    with app.open():
        app.run_worker(
            concurrency=instance.settings.job_concurrency,
            shutdown_graceful_timeout=SHUTDOWN_GRACE_S,
            delete_jobs="never",
        )


if __name__ == "__main__":
    main()
