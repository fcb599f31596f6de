"""Training's addresses: courses and sessions (offering, finding, the calendar), bookings (booking,
the waitlist, attendance, calendar files), training needs and compliance, certificates and feedback."""

from django.urls import path

from .views import bookings, certificates, needs, sessions

app_name = "training"

urlpatterns = [
    # Finding and offering training
    path("", sessions.session_list, name="session_list"),
    path("calendar/", sessions.calendar_month, name="calendar_month"),
    path("calendar/<int:year>/<int:month>/", sessions.calendar_month, name="calendar_month"),
    path("courses/", sessions.course_list, name="course_list"),
    path("courses/new/", sessions.course_create, name="course_create"),
    path("courses/<int:pk>/edit/", sessions.course_edit, name="course_edit"),
    path("sessions/new/", sessions.session_create, name="session_create"),
    path("sessions/<int:pk>/edit/", sessions.session_edit, name="session_edit"),
    path("sessions/<int:pk>/cancel/", sessions.session_cancel, name="session_cancel"),
    # Bookings, attendance and calendar files
    path("sessions/<int:pk>/", bookings.session_detail, name="session_detail"),
    path("sessions/<int:pk>/book/", bookings.book, name="book"),
    path("sessions/<int:pk>/colleagues/", bookings.colleague_search, name="colleague_search"),
    path("sessions/<int:pk>/attendance/", bookings.attendance, name="attendance"),
    path("sessions/<int:pk>/session.ics", bookings.session_ics, name="session_ics"),
    path("bookings/", bookings.my_bookings, name="my_bookings"),
    path("bookings/<int:pk>/cancel/", bookings.booking_cancel, name="booking_cancel"),
    path("calendar-feed/", bookings.feed_settings, name="feed_settings"),
    path("feed/<str:token>.ics", bookings.feed, name="feed"),
    # Training needs and compliance
    path("needs/", needs.needs, name="needs"),
    path("needs/<int:pk>/delete/", needs.need_delete, name="need_delete"),
    path("compliance/", needs.compliance, name="compliance"),
    path("compliance.csv", needs.compliance_csv, name="compliance_csv"),
    # Certificates and feedback
    path("bookings/<int:pk>/certificate.pdf", certificates.certificate, name="certificate"),
    path("bookings/<int:pk>/feedback/", certificates.feedback, name="feedback"),
    path("courses/<int:pk>/feedback/", certificates.course_feedback, name="course_feedback"),
]
