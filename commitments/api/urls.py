"""API v1 routes, included at /api/v1/ under the namespace "api"."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from commitments.api import views

app_name = "api"

router = SimpleRouter()
router.register("agencies", views.AgencyViewSet)
router.register("topics", views.TopicViewSet)
router.register("announcements", views.AnnouncementViewSet)
router.register("commitments", views.CommitmentViewSet)
router.register("updates", views.ProgressUpdateViewSet)
router.register("changes", views.ChangeEntryViewSet, basename="change")
router.register("statuses", views.StatusViewSet, basename="status")
router.register("drafts", views.DraftViewSet, basename="draft")

urlpatterns = [
    path("", views.ApiRootView.as_view(), name="root"),
    path("auth/token/", views.LoginView.as_view(), name="auth-token"),
    path("auth/logout/", views.LogoutView.as_view(), name="auth-logout"),
    path(
        "announcements/<slug:slug>/drafts/",
        views.AnnouncementDraftViewSet.as_view({"get": "list", "post": "create"}),
        name="announcement-drafts",
    ),
    *router.urls,
]
