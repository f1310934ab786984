"""The worker: delivers notifications (RQ jobs) and runs the deadline sweep.

Run several of these and nothing is sent twice: each flip and each delivery
claim is a conditional UPDATE that only one process can win.
"""

import logging
import threading

from flask import Flask
from rq import SimpleWorker

from webapp import create_app
from webapp.alerts.queue import get_queue, get_redis
from webapp.alerts.sweep import run_sweeper
from webapp.db import db


class AppWorker(SimpleWorker):
    """An RQ worker that runs each job inside the app's context, and hands the
    job's database session back when it is done."""

    app: Flask

    def execute_job(self, job, queue):
        with self.app.app_context():
            try:
                return super().execute_job(job, queue)
            finally:
                db.session.remove()


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    app = create_app()
    with app.app_context():
        queue, connection = get_queue(), get_redis()
    stop = threading.Event()
    # The sweep runs beside the job loop, in this process, so that one
    # `worker` process type is all a deployment needs; it sleeps until the
    # next deadline (at most SWEEP_INTERVAL), well inside the 1 s alert budget.
    sweeper = threading.Thread(target=run_sweeper, args=(app, stop), name="sweeper", daemon=True)
    sweeper.start()
    # SimpleWorker runs jobs in this process rather than a fork per job:
    # delivery starts sooner, and no fork happens while the sweeper thread may
    # hold a lock. The scheduler it runs fires the delayed retries.
    worker = AppWorker([queue], connection=connection)
    worker.app = app
    try:
        worker.work(with_scheduler=True)
    finally:
        stop.set()
        sweeper.join(timeout=5)


if __name__ == "__main__":
    main()
