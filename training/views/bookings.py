"""Booking pages: being written."""

urlpatterns = []
