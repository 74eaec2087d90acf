"""The job queue: a procrastinate app on the geoportal's own PostgreSQL.

Its tables live in the schema ``jobs`` (migration 0007 runs procrastinate's shipped SQL
there); procrastinate names them unqualified, so every queue connection puts ``jobs``
first on its search path. The queue connects as the application role (grants in
:mod:`geoportal.schema`).
"""

from __future__ import annotations

import procrastinate
import procrastinate.exceptions
from procrastinate.types import JSONValue
from psycopg.conninfo import make_conninfo

from geoportal.cases.actors import Actor
from geoportal.database import Database

NAMESPACE = "geoportal"  # task names: "geoportal:issue_document"


def queue_conninfo(database: Database) -> str:
    """The application role's connection, with the ``jobs`` schema on its search path."""
    params = database.params("app")
    params["options"] = params.get("options", "") + " -c search_path=jobs,public"
    params["application_name"] = "geoportal-jobs"
    return make_conninfo(**params)


_apps: dict[str, procrastinate.App] = {}


def make_app(database: Database) -> procrastinate.App:
    """The process's procrastinate app with our tasks, connected lazily (``app.open()``).

    One per process and database: procrastinate binds a blueprint's tasks to the app they
    are added to and renames them, so a second app would take the tasks from the first
    (its worker then found no task to run) and name them twice.
    """
    from services.jobs.tasks import blueprint

    conninfo = queue_conninfo(database)
    app = _apps.get(conninfo)
    if app is None:
        if _apps:
            raise RuntimeError("one job queue per process: the tasks are bound to the first")
        connector = procrastinate.PsycopgConnector(conninfo=conninfo, min_size=1, max_size=4)
        app = _apps[conninfo] = procrastinate.App(connector=connector)
        app.add_tasks_from(blueprint, namespace=NAMESPACE)
    return app


def defer_issue_document(
    app: procrastinate.App, case_id: int, kind: str, actor: Actor, scale: int | None = None
) -> int | None:
    """Queue issuing a document (the staff console's "issue" button); the job id, or None
    when the same document is already queued (a double click queues one job)."""
    task = app.configure_task(
        f"{NAMESPACE}:issue_document", queueing_lock=f"issue:{case_id}:{kind}"
    )
    roles: list[JSONValue] = [str(role) for role in sorted(actor.roles)]
    try:
        with app.open():
            return task.defer(
                case_id=case_id, kind=kind, staff_login=actor.name, staff_roles=roles, scale=scale
            )
    except procrastinate.exceptions.AlreadyEnqueued:
        return None


def defer_status(app: procrastinate.App, event: dict[str, JSONValue]) -> int:
    """Queue the EZD webhook of one step of a case."""
    with app.open():
        return app.configure_task(f"{NAMESPACE}:post_status").defer(event=event)


def defer_mail(app: procrastinate.App, to: str, subject: str, body: str) -> int:
    """Queue one e-mail (notifications of a case's steps)."""
    with app.open():
        return app.configure_task(f"{NAMESPACE}:send_mail").defer(to=to, subject=subject, body=body)
