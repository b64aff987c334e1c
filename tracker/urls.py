from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="admin:index", permanent=False)),
    path("admin/", admin.site.urls),
    path("api/v1/", include("commitments.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="docs"),
]

# Under /api/ errors answer in JSON; elsewhere Django's pages.
handler400 = "commitments.exceptions.bad_request"
handler403 = "commitments.exceptions.permission_denied"
handler404 = "commitments.exceptions.page_not_found"
handler500 = "commitments.exceptions.server_error"
