from django.urls import path

from .views import organisations

app_name = "partnerships"

urlpatterns = [
    # Organisations, units and contacts
    path("organisations/", organisations.OrganisationListView.as_view(), name="organisation_list"),
    path("organisations/<int:pk>/", organisations.organisation_detail, name="organisation_detail"),
    # Partnerships
]
