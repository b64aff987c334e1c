"""A tiny write path for tests that run a real gunicorn against the test database
(test_database_restart.py): POST /probe/topics/ saves a topic through the ORM,
inside the request's transaction and behind the whole middleware stack, like any
write of the service, and answers with the slug and the worker's pid.

Served with DJANGO_SETTINGS_MODULE=tests.live_probe_settings; the service's own
URLs stay served beside it."""

import os

from django.http import JsonResponse
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from commitments.models import Topic


@csrf_exempt
@require_POST
def create_topic(request):
    slug = request.POST["slug"]
    Topic.objects.create(slug=slug, name=f"Probe {slug}")
    return JsonResponse({"slug": slug, "pid": os.getpid()}, status=201)


urlpatterns = [
    path("probe/topics/", create_topic),
    path("", include("tracker.urls")),
]
