"""The Celery application, built from Settings.

Messages are JSON only (ids and plain values, never pickles). Tasks are acknowledged after they
finish, and a task whose worker process dies is put back on the queue, so a job survives a killed
worker. Workers are recycled after a number of tasks or a memory ceiling, because WeasyPrint and
LibreOffice hold on to memory.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from celery import Celery

from docgen.config import Settings

TASK_MODULES = ["docgen.jobs.tasks"]
QUEUE = "docgen"
DEFAULT_VISIBILITY_TIMEOUT_S = 3600


def broker_settings(settings: Settings) -> dict[str, Any]:
    """Broker options. The embedded default is kombu's filesystem transport under data_dir, which
    needs no server; production and tests name Redis."""
    url = settings.celery_broker_url
    if not url.startswith("filesystem"):
        # A message taken by a worker that then vanished whole (not just its pool process) comes
        # back after this long; it must exceed the longest job, or a slow job runs twice.
        visibility = int(settings.extra.get("broker_visibility_timeout_s", DEFAULT_VISIBILITY_TIMEOUT_S))
        options = {
            "visibility_timeout": visibility,
            # look for such messages every few seconds (kombu's default is about every 100 s)
            "unacked_restore_interval": max(1, min(10, visibility // 3)),
            "unacked_restore_throttle": 1,
        }
        return {"broker_url": url, "broker_transport_options": options}
    folder = Path(settings.data_dir) / "broker"
    for sub in ("in", "processed", "control"):
        (folder / sub).mkdir(parents=True, exist_ok=True)
    return {
        "broker_url": "filesystem://",
        "broker_transport": "docgen.jobs.broker:FilesystemTransport",
        "broker_transport_options": {
            "data_folder_in": str(folder / "in"),
            "data_folder_out": str(folder / "in"),
            "processed_folder": str(folder / "processed"),
            # exchange tables; kombu's default is ./control in the working directory
            "control_folder": str(folder / "control"),
            "store_processed": False,
        },
    }


def make_celery(settings: Settings) -> Celery:
    app = Celery("docgen", set_as_current=False)
    app.conf.update(
        **broker_settings(settings),
        # job state lives in the register, not in a result backend
        result_backend=settings.result_backend,
        task_ignore_result=True,
        task_serializer="json",
        accept_content=["json"],
        result_accept_content=["json"],
        task_default_queue=QUEUE,
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        worker_max_tasks_per_child=settings.worker_max_tasks_per_child,
        worker_max_memory_per_child=settings.worker_max_memory_per_child_kb,
        broker_connection_retry_on_startup=True,
        task_publish_retry_policy={"max_retries": 3, "interval_start": 0.2, "interval_step": 0.5},
        worker_hijack_root_logger=False,
        enable_utc=True,
    )
    app.conf.include = TASK_MODULES
    return app
