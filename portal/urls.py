from django.conf import settings
from django.contrib import admin
from django.contrib.auth.decorators import login_required
from django.urls import include, path

from portal import views

# One login page for everybody (with the lockout rules): the admin's own form would bypass it.
# Set before admin.site.urls is read below, which binds the view.
admin.site.login = login_required(admin.site.login)
admin.site.site_header = settings.PORTAL_NAME
admin.site.site_title = settings.PORTAL_NAME
admin.site.index_title = "Administration"

handler500 = "portal.views.server_error"

urlpatterns = [
    path("", include(([path("", views.dashboard, name="dashboard")], "portal"))),
    path("accounts/", include("accounts.urls")),
    path(".well-known/security.txt", views.security_txt, name="security_txt"),
    path("", include("partnerships.urls")),
    path("agreements/", include("agreements.urls")),
    path("training/", include("training.urls")),
    path("notifications/", include("notifications.urls")),
    path("people/", include("people.urls")),
    path("admin/", admin.site.urls),
]
