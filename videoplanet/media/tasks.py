"""Background work, run by the task worker (``manage.py db_worker`` with the database
backend, ``manage.py rqworker default --job-class django_tasks_rq.Job`` with RQ: without
that job class RQ fails every job; see settings ``TASKS_BACKEND``)."""

from __future__ import annotations

import uuid

from django_tasks import task

from .services import video_process


@task()
def video_process_task(video_id: str) -> None:
    video_process(video_id=uuid.UUID(video_id))
