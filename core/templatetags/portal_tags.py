from datetime import date, timedelta

from django import template
from django.core.exceptions import NON_FIELD_ERRORS
from django.forms import BaseForm, CheckboxSelectMultiple, RadioSelect
from django.forms.formsets import BaseFormSet

register = template.Library()


@register.filter
def minutes(value) -> int:
    """Whole minutes in a timedelta, rounded up, for messages such as lockout times."""
    if not isinstance(value, timedelta):
        return 0
    return -(-int(value.total_seconds()) // 60)


# --- Dates in list rows ---------------------------------------------------------------------------
# Django's ``date`` filter goes through its format machinery (about 50 microseconds a call); a
# list of 25 rows with two dates a row spent a tenth of its rendering there. These give the same
# text for the two formats the lists use, with English names as ``date`` gives them.


_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


@register.filter(expects_localtime=True)
def day_month_year(value) -> str:
    """What ``date:"j M Y"`` shows ("3 Dec 2026"); an empty string for no date, as ``date`` gives."""
    if not isinstance(value, date):
        return ""
    return f"{value.day} {_MONTHS[value.month - 1]} {value.year}"


@register.filter(expects_localtime=True)
def iso(value) -> str:
    """What ``date:"c"`` shows, for a ``<time datetime>`` attribute; an empty string for no date."""
    if not isinstance(value, date):
        return ""
    return value.isoformat()


# --- The error summary at the top of a page whose form did not validate -------------------------

_SEARCH_DEPTH = 2  # a form in the context, or in a list or dict in it (one comment form per clause row)


def _forms_in(value, depth=0):
    if isinstance(value, BaseFormSet):
        yield from value.forms
    elif isinstance(value, BaseForm):
        yield value
    elif depth < _SEARCH_DEPTH and isinstance(value, (list, tuple)):
        for item in value:
            yield from _forms_in(item, depth + 1)
    elif depth < _SEARCH_DEPTH and isinstance(value, dict):
        for item in value.values():
            yield from _forms_in(item, depth + 1)


def _first_input_id(field) -> str:
    """The id of the field's input; for radio buttons and checkbox lists, of the first one."""
    if isinstance(field.field.widget, (RadioSelect, CheckboxSelectMultiple)):
        subwidgets = field.subwidgets
        if subwidgets:
            return subwidgets[0].id_for_label
    return field.id_for_label or field.auto_id


def summary_errors(context) -> list[dict]:
    """Every error of every bound form on the page, in the order the page shows the forms.

    Each error links to the field it belongs to (``href``), or to nothing when it is about the
    form as a whole or about a hidden field.
    """
    errors, seen = [], set()
    for value in context.flatten().values():
        for form in _forms_in(value):
            if id(form) in seen or not form.is_bound or not form.errors:
                continue
            seen.add(id(form))
            for message in form.non_field_errors():
                errors.append({"text": message, "href": ""})
            for name, messages in form.errors.items():
                if name == NON_FIELD_ERRORS:
                    continue
                field = form[name] if name in form.fields else None
                visible = field is not None and not field.is_hidden
                target = _first_input_id(field) if visible else ""
                for message in messages:
                    text = f"{field.label}: {message}" if visible and field.label else message
                    errors.append({"text": text, "href": f"#{target}" if target else ""})
    return errors


@register.inclusion_tag("includes/error_summary.html", takes_context=True)
def error_summary(context):
    """The GOV.UK error summary: "There is a problem", then each error as a link to its field.

    ``base.html`` shows it above every page's content, so no form's errors are out of view;
    ``static/portal/error-summary.js`` moves the focus to it when the page loads.
    """
    return {"errors": summary_errors(context)}
