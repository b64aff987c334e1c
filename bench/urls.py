"""The product's URLs plus the baseline of bench/run.py."""

from django.urls import path

from bench import views
from tracker.urls import *  # noqa: F403
from tracker.urls import urlpatterns as product_urlpatterns

urlpatterns = [
    path("bench/baseline/commitments/", views.baseline_commitment_list),
    *product_urlpatterns,
]
