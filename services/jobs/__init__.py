"""Background jobs on a PostgreSQL queue (procrastinate): issuing documents, sending mail.

``queue``   the procrastinate app on our database (schema ``jobs``, migration 0007)
``tasks``   the tasks: ``issue_document``, ``send_mail``, ``retry_stalled_jobs``
``worker``  the worker process's entry point (``python -m services.jobs.worker``)
``process`` start and stop the worker beside gunicorn (``geoportal run``)
``mail``    SMTP delivery
"""
