from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from accounts.views import PortalLoginView
from portal import views

urlpatterns = [
    path("", include(([path("", views.dashboard, name="dashboard")], "portal"))),
    path("accounts/login/", PortalLoginView.as_view(), name="login"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("organisations/", include("partnerships.urls")),
    path("admin/", admin.site.urls),
]

admin.site.site_header = settings.PORTAL_NAME
admin.site.site_title = settings.PORTAL_NAME
admin.site.index_title = "Administration"
