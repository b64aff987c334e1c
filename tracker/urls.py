from csp.constants import SELF, UNSAFE_INLINE
from csp.decorators import csp_update
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

# Swagger UI: its scripts from our static files and its start-up script from the
# view itself (the split view, so no inline script), the schema and "try it out"
# requests to this origin, the inline styles it sets, and its data: images.
api_docs = csp_update(
    {
        "script-src": [SELF],
        "connect-src": [SELF],
        "style-src": [SELF, UNSAFE_INLINE],
    }
)(SpectacularSwaggerSplitView.as_view(url_name="schema"))

urlpatterns = [
    path("", include("commitments.site.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", include("commitments.api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", api_docs, name="docs"),
]

# Under /api/ errors answer in JSON; elsewhere Django's pages.
handler400 = "tracker.errors.bad_request"
handler403 = "tracker.errors.permission_denied"
handler404 = "tracker.errors.page_not_found"
handler500 = "tracker.errors.server_error"
