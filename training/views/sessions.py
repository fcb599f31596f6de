"""Session pages: being written."""

urlpatterns = []
