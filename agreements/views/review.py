"""Review and signing pages: being written."""

urlpatterns = []
