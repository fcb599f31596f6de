"""An institution's training needs (who must do which course, how often) and its compliance matrix.

The pages take no object in the address: a non-administrator always sees their own
organisation, and naming another one with ``?institution=`` is a 404 (as any object outside
their scope is). Administrators choose the institution with ``?institution=<pk>``.
Seeing or changing is asked of the predicates in ``training.compliance`` (403 when refused).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DEFAULT_DB_ALIAS
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.views.decorators.http import require_http_methods

from core.csv_export import csv_response
from core.lists import Column, list_context, table_header
from core.views import apply_errors
from partnerships.models import Organisation

from .. import permissions, services
from ..compliance import STATUS_FILTERS, Matrix
from ..filters import ComplianceFilter, InstitutionFilter
from ..forms import NeedForm
from ..models import TrainingNeed


def _int_or_404(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise Http404("No such institution.") from None


def _institution(request):
    """The institution the page is about (None until an administrator chooses), and the choices.

    Administrators choose among all institutions: the chooser needs only each one's id and
    name, so the query reads those and the kind (some 500 institutions on the national data set:
    whole rows took about 7 ms to load, these about 1 ms), and the chosen one is made a model
    instance from its row, the other fields deferred as ``only()`` leaves them. Everyone else
    gets their own organisation, and naming another is a 404.
    """
    user = request.user
    chosen = request.GET.get("institution", "")
    if not user.is_administrator:
        if chosen and _int_or_404(chosen) != user.organisation_id:
            raise Http404("No such institution.")
        return user.organisation, []
    fields = ["id", "name", "kind"]
    rows = list(Organisation.objects.institutions().order_by("name", "pk").values_list(*fields))
    choices = [(pk, name) for pk, name, _ in rows]
    if not chosen:
        return None, choices
    pk = _int_or_404(chosen)
    row = next((row for row in rows if row[0] == pk), None)
    if row is None:
        raise Http404("No such institution.")
    return Organisation.from_db(DEFAULT_DB_ALIAS, fields, row), choices


def _needs_url(user, institution) -> str:
    url = reverse("training:needs")
    return f"{url}?institution={institution.pk}" if user.is_administrator else url


# Training needs


@login_required
@require_http_methods(["GET", "POST"])
def needs(request):
    user = request.user
    if not permissions.can_see_needs(user):
        raise PermissionDenied
    institution, institutions = _institution(request)
    can_manage = (
        institution is not None and not institution.is_police_force and permissions.can_manage_needs(user, institution)
    )
    if request.method == "POST" and not can_manage:
        raise PermissionDenied
    form = None
    if can_manage:
        form = NeedForm(request.POST if request.method == "POST" else None, user=user, institution=institution)
    if request.method == "POST" and form.is_valid():
        try:
            need = services.add_need(form.instance, institution=institution, by=user)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, f"{need.course.title} is now required of {need.get_role_display().lower()}.")
            return redirect(_needs_url(user, institution))
    rows = (
        TrainingNeed.objects.visible_to(user)
        .filter(institution=institution)
        .select_related("course__provider")
        .order_by("role", "course__title", "pk")
    )
    chooser = InstitutionFilter(request.GET, institutions=institutions)
    context = list_context(request, chooser, rows, "needs")
    header = [Column("Who"), Column("Course"), Column("Repeat")]
    if can_manage:
        header.append(Column("Actions", hidden=True))
    return render(
        request,
        "training/needs_list.html",
        {
            **context,
            "header": table_header(header),
            "institution": institution,
            "institutions": institutions,
            "form": form,
            "can_manage": can_manage,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def need_delete(request, pk):
    need = get_object_or_404(
        TrainingNeed.objects.visible_to(request.user).select_related("course", "institution"), pk=pk
    )
    if not permissions.can_manage_needs(request.user, need.institution):
        raise PermissionDenied
    back = _needs_url(request.user, need.institution)
    if request.method == "POST":
        services.remove_need(need, by=request.user)
        messages.success(request, f"{need.course.title} is no longer required of {need.get_role_display().lower()}.")
        return redirect(back)
    return render(request, "training/needs_delete.html", {"need": need, "back": back})


# Compliance


def _filtered_matrix(request, institution, institutions):
    """The matrix for ``institution``, its people narrowed by the page's search and status filter
    (a queryset: counting, filtering and paging happen in SQL), and the filter form."""
    matrix = Matrix(institution, timezone.localdate()) if institution else None
    form = ComplianceFilter(request.GET, institutions=institutions, matrix=matrix)
    if matrix is None or not matrix.columns:
        return matrix, [], form
    return matrix, form.filter_qs(matrix.listed), form


def _compliance_institution(request):
    if not permissions.can_see_compliance(request.user):
        raise PermissionDenied
    return _institution(request)


@login_required
def compliance(request):
    user = request.user
    institution, institutions = _compliance_institution(request)
    matrix, people, form = _filtered_matrix(request, institution, institutions)
    columns = matrix.counted() if matrix else []
    context = list_context(request, form, matrix.listing(people) if matrix and matrix.columns else people, "rows")
    if matrix:  # cells only for the people on this page
        context["rows"] = context["page_obj"].object_list = matrix.rows(context["page_obj"].object_list)
    return render(
        request,
        "training/compliance.html",
        {
            **context,
            "summary_header": table_header([Column("Course"), *(Column(label) for _, label in STATUS_FILTERS)]),
            "header": table_header([Column("Person"), *(Column(column.title) for column in columns)]),
            "columns": columns,
            "institution": institution,
            "institutions": institutions,
            "statuses": STATUS_FILTERS,
            "needs_url": _needs_url(user, institution) if institution else reverse("training:needs"),
        },
    )


@login_required
def compliance_csv(request):
    """The filtered matrix as CSV; every cell is neutralised so a spreadsheet runs no formula."""
    institution, institutions = _compliance_institution(request)
    if institution is None:
        raise Http404("Choose an institution.")
    matrix, people, _ = _filtered_matrix(request, institution, institutions)
    columns, rows = matrix.columns, matrix.all_rows(people) if matrix.columns else []

    def lines():
        yield ["Name", "Username", "Email", "Role", *(column.title for column in columns)]
        for row in rows:
            person = row.user
            yield [
                person.get_full_name() or person.username,
                person.username,
                person.email,
                person.get_role_display(),
                *(cell.text for cell in row.cells),
            ]

    filename = f"compliance-{slugify(institution.name) or institution.pk}-{timezone.localdate().isoformat()}.csv"
    return csv_response(lines(), filename)
