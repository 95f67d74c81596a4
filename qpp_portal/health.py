"""``/health/`` for load balancers: database, cache, task queue and document storage.

Public (no sign-in) and answering 200 when every check passes, 503 otherwise, so a load
balancer takes a machine out while it cannot serve. The mail server and phone gateway are
not checked: their failures are retried by the outbox and must not take the site down.
"""

import dataclasses

from django.contrib.auth.decorators import login_not_required
from django.db import DatabaseError
from django.utils import timezone
from django.utils.decorators import method_decorator
from health_check.base import HealthCheck
from health_check.exceptions import ServiceUnavailable
from health_check.views import HealthCheckView


@dataclasses.dataclass
class TaskQueue(HealthCheck):
    """Check that the task queue can be read, and report how long the oldest due task waits.

    A backlog is reported, not failed: workers being behind is no reason to stop a web
    machine taking requests (alert on ``oldest_wait`` instead)."""

    def run(self):
        from django_tasks import task_backends
        from django_tasks_db import DatabaseBackend

        if not isinstance(task_backends["default"], DatabaseBackend):
            return
        from django_tasks_db.models import DBTaskResult

        try:
            oldest = (
                DBTaskResult.objects.ready().order_by("enqueued_at").values("enqueued_at").first()
            )
        except DatabaseError as error:
            raise ServiceUnavailable("Task queue cannot be read") from error
        self.oldest_wait = (timezone.now() - oldest["enqueued_at"]) if oldest else None

    def pretty_status(self):
        wait = getattr(self, "oldest_wait", None)
        return (
            "OK" if wait is None else f"OK (oldest due task waiting {wait.total_seconds():.0f} s)"
        )


@dataclasses.dataclass
class DocumentStorage(HealthCheck):
    """Save, read and delete a probe file in the identity document storage."""

    def run(self):
        from django.core.files.base import ContentFile

        from proofing.documents import document_storage

        storage = document_storage()
        try:
            name = storage.save("health-check-probe.txt", ContentFile(b"ok"))
            with storage.open(name) as probe:
                readable = probe.read() == b"ok"
            storage.delete(name)
        except OSError as error:
            raise ServiceUnavailable("Document storage is not writable") from error
        if not readable:
            raise ServiceUnavailable("Document storage returned other content")


@method_decorator(login_not_required, name="dispatch")
class PortalHealthCheckView(HealthCheckView):
    checks = (
        "health_check.checks.Database",
        "health_check.checks.Cache",
        "qpp_portal.health.TaskQueue",
        "qpp_portal.health.DocumentStorage",
    )

    async def get(self, request, *args, **kwargs):
        response = await super().get(request, *args, **kwargs)
        if response.status_code == 500:
            response.status_code = 503  # what load balancers expect of an unhealthy target
        return response
