from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("commitments.site_urls")),
    path("admin/", admin.site.urls),
]
