from django.urls import path

from . import views

app_name = "partnerships"

urlpatterns = [
    path("", views.OrganisationListView.as_view(), name="organisation_list"),
    path("<int:pk>/", views.organisation_detail, name="organisation_detail"),
]
