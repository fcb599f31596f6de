"""Drafting pages: being written."""

urlpatterns = []
