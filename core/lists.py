"""One way to write a list page: a filter form that reads the query string and applies itself.

A list page's filters are a ``FilterForm`` in its app's ``filters.py``. The form is always bound
to ``request.GET``; a value that does not validate (an unknown status, a sort nobody offers, a
date that is not one) is left out and the page shows the list with its default, never a 500.
``filter_qs`` narrows a queryset by the valid values and orders it by the chosen sort, one of
the form's whitelisted ``sorts``. The templates in ``templates/includes/`` draw the rest:
``filter_bar.html`` (the search box, selects and submit), ``filter_tabs.html``,
``table_head.html`` (column headings, the sortable ones as links with ``aria-sort``),
``pagination.html`` (keeping the filters) and ``empty_state.html`` (nothing yet, or nothing
matching with a link to clear the filters).
"""

from dataclasses import dataclass
from urllib.parse import urlencode

from django import forms
from django.db.models import Q

from .views import paginate


@dataclass(frozen=True)
class Sort:
    """One way a list can be ordered: its label, its ``order_by`` and the column's aria-sort."""

    label: str
    order_by: tuple
    direction: str = "ascending"  # or "descending": what aria-sort says of its column


@dataclass(frozen=True)
class Column:
    """A table heading: ``sort`` names one of the form's sorts; ``hidden`` labels it for screen readers only."""

    label: str
    sort: str = ""
    hidden: bool = False
    css: str = ""


class FilterForm(forms.Form):
    """A list's search, filters and sort, validated from the query string.

    Subclasses declare fields (each optional), and may declare:

    - ``search_fields``: the lookups the search box ``q`` matches, case-insensitively;
    - ``filter_<name>(queryset, value)``: how a field narrows the list, for other fields;
    - ``sorts`` (``{key: Sort}``) and ``default_sort``: the orders offered; ``sort_in_bar``
      shows them as a "Sort by" select as well as on the table's headings;
    - ``layout``: the filter bar's column class for each field;
    - ``not_filters``: fields that choose a view (a tab) rather than narrow it, so are kept
      when the filters are cleared and do not count as filtering.
    """

    search_fields: tuple[str, ...] = ()
    sorts: dict[str, Sort] = {}
    default_sort = ""
    sort_in_bar = False
    layout: dict[str, str] = {}
    not_filters: tuple[str, ...] = ()

    def __init__(self, data=None, **kwargs):
        super().__init__(data if data is not None else {}, **kwargs)
        if self.sorts:
            widget = forms.Select if self.sort_in_bar else forms.HiddenInput
            self.fields["sort"] = forms.ChoiceField(
                label="Sort by",
                required=False,
                choices=[(key, sort.label) for key, sort in self.sorts.items()],
                widget=widget,
            )
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.HiddenInput):
                continue
            if isinstance(widget, forms.CheckboxInput):
                widget.attrs.setdefault("class", "form-check-input")
            elif isinstance(widget, forms.Select):
                widget.attrs.setdefault("class", "form-select")
            else:
                widget.attrs.setdefault("class", "form-control")
        if "q" in self.fields:
            self.fields["q"].widget.input_type = "search"

    def full_clean(self):
        super().full_clean()
        # A sort nobody offers, or a hidden choice, is no mistake of the user's: no message.
        for name, field in self.fields.items():
            if isinstance(field.widget, forms.HiddenInput):
                self._errors.pop(name, None)

    @property
    def values(self) -> dict:
        """The valid values, by name; an invalid one is left out."""
        self.is_valid()
        return self.cleaned_data

    def active(self) -> dict:
        """The valid values that narrow the list (empty ones and the sort left out)."""
        return {
            name: value for name, value in self.values.items() if name != "sort" and value not in (None, "", False, [])
        }

    @property
    def filtering(self) -> bool:
        """Whether a filter (not a tab, not the sort) narrows the list."""
        return any(name not in self.not_filters for name in self.active())

    @property
    def sort(self) -> str:
        return self.values.get("sort") or self.default_sort

    def filter_q(self, queryset, value):
        query = Q()
        for lookup in self.search_fields:
            query |= Q(**{f"{lookup}__icontains": value.strip()})
        return queryset.filter(query)

    def filter_qs(self, queryset):
        """``queryset`` narrowed by each valid filter and ordered by the chosen sort."""
        for name, value in self.active().items():
            method = getattr(self, f"filter_{name}", None)
            if method is not None:
                queryset = method(queryset, value)
        if self.sorts:
            queryset = queryset.order_by(*self.sorts[self.sort].order_by)
        return queryset

    # The query string, for links that keep the filters

    def querystring(self, **changes) -> str:
        """The query string as given, without the page number, with ``changes`` (None drops one)."""
        params = self.data.copy() if hasattr(self.data, "copy") else dict(self.data)
        params = {key: self._list(params, key) for key in params}
        params.pop("page", None)
        for key, value in changes.items():
            if value is None:
                params.pop(key, None)
            else:
                params[key] = [value]
        return urlencode([(key, value) for key, values in params.items() for value in values])

    @staticmethod
    def _list(params, key):
        if hasattr(params, "getlist"):
            return params.getlist(key)
        value = params[key]
        return list(value) if isinstance(value, (list, tuple)) else [value]

    def clear_querystring(self) -> str:
        """The query string that clears the filters but keeps the tab."""
        return urlencode(
            [(name, self.data[name]) for name in self.not_filters if name in self.active() and name in self.data]
        )

    def header(self, columns) -> list[dict]:
        """The table's headings for ``includes/table_head.html``."""
        return table_header(columns, self)

    def tabs(self, name, choices) -> list[dict]:
        """Links for ``includes/filter_tabs.html``: one per ``(value, label)``, ``""`` the default."""
        current = self.values.get(name) or ""
        return [
            {
                "label": label,
                "href": "?" + urlencode({name: value}) if value else "?",
                "active": str(value) == str(current),
            }
            for value, label in choices
        ]

    def bar(self) -> list[tuple]:
        """The filter bar's visible fields, each with its column class."""
        return [
            (self[name], self.layout.get(name, "col-sm-6 col-lg-3")) for name in self.fields if not self[name].is_hidden
        ]


def table_header(columns, form=None) -> list[dict]:
    """Headings for ``includes/table_head.html``; a sortable one links to its sort, keeping the filters."""
    current = form.sort if form is not None else ""
    headings = []
    for column in columns:
        heading = {"label": column.label, "hidden": column.hidden, "css": column.css, "href": "", "aria_sort": ""}
        if column.sort and form is not None and column.sort in form.sorts:
            heading["href"] = "?" + form.querystring(sort=column.sort)
            if column.sort == current:
                heading["aria_sort"] = form.sorts[column.sort].direction
        headings.append(heading)
    return headings


def list_context(request, form, queryset, name, per_page=None) -> dict:
    """The context every list template needs: the page, the form and ``name`` for the page's rows."""
    pagination = paginate(request, queryset, **({"per_page": per_page} if per_page else {}))
    return {
        **pagination,
        name: pagination["page_obj"].object_list,
        "filter_form": form,
        "filtering": form.filtering,
        "clear_querystring": form.clear_querystring(),
    }
