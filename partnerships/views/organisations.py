from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, render
from django.views.generic import ListView

from ..models import Contact, Organisation, OrganisationKind, Region, Unit


class OrganisationListView(LoginRequiredMixin, ListView):
    """The organisations a user may see, searchable and filterable by kind and region."""

    template_name = "partnerships/organisation_list.html"
    context_object_name = "organisations"
    paginate_by = 25

    def get_queryset(self):
        queryset = Organisation.objects.visible_to(self.request.user).annotate(
            unit_count=Count("units", distinct=True), contact_count=Count("contacts", distinct=True)
        )
        query = self.request.GET.get("q", "").strip()
        if query:
            queryset = queryset.filter(Q(name__icontains=query) | Q(address__icontains=query))
        kind = self.request.GET.get("kind", "")
        if kind in OrganisationKind.values:
            queryset = queryset.filter(kind=kind)
        region = self.request.GET.get("region", "")
        if region in Region.values:
            queryset = queryset.filter(region=region)
        return queryset.order_by("name")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        params = self.request.GET.copy()
        params.pop("page", None)
        context.update(
            query=self.request.GET.get("q", ""),
            kind=self.request.GET.get("kind", ""),
            region=self.request.GET.get("region", ""),
            kinds=OrganisationKind.choices,
            regions=Region.choices,
            filter_querystring=params.urlencode(),
        )
        return context


@login_required
def organisation_detail(request, pk):
    organisation = get_object_or_404(Organisation.objects.visible_to(request.user), pk=pk)
    units = Unit.objects.visible_to(request.user).filter(organisation=organisation)
    contacts = Contact.objects.visible_to(request.user).filter(organisation=organisation).select_related("unit")
    return render(
        request,
        "partnerships/organisation_detail.html",
        {"organisation": organisation, "units": units, "contacts": contacts},
    )
