"""Small pieces the apps' views share: one page of a list, and a service's errors on a form."""

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator

PAGE_SIZE = 25


def paginate(request, queryset, per_page=PAGE_SIZE, param="page") -> dict:
    """The context a list template and ``includes/pagination.html`` need for one page. A second
    list on the same page gives its own ``param`` (and passes it to the include as ``page_param``)."""
    page = Paginator(queryset, per_page).get_page(request.GET.get(param))
    params = request.GET.copy()
    params.pop(param, None)
    return {
        "page_obj": page,
        "paginator": page.paginator,
        "is_paginated": page.has_other_pages(),
        "filter_querystring": params.urlencode(),
        "page_param": param,
    }


def apply_errors(form, error: ValidationError):
    """Show a service's ValidationError on the form: next to its field, or above the form."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def error_text(error: ValidationError) -> str:
    """A service's ValidationError as one sentence, for a message above the page."""
    return " ".join(error.messages)
