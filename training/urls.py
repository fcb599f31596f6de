from .views import bookings, certificates, needs, sessions

app_name = "training"

# Courses and sessions (offering, finding, calendar) and bookings (booking, waitlist,
# attendance, calendar files) keep their own routes.
urlpatterns = [*sessions.urlpatterns, *bookings.urlpatterns, *needs.urlpatterns, *certificates.urlpatterns]
