"""QuickSelect renders what Django's Select renders, only faster, and escapes like it."""

import re

import pytest
from django import forms

from core.widgets import QuickSelect

HOSTILE = '"><script>alert(1)</script>&'


def normalised(html) -> str:
    return re.sub(r"\s+", " ", str(html)).replace("> <", "><").strip()


CASES = [
    ([("", "Any course"), (1, "Bystander training"), (2, HOSTILE)], "2"),
    ([("", "Any"), (1, "One"), (2, "Two")], ""),
    ([("", "Any"), (1, "One"), (1, "One again")], "1"),  # only the first match is selected
    ([("", "Any"), ("Police", [(1, "Force A"), (2, HOSTILE)]), ("Other", [(3, "Agency")])], "2"),
    ([(HOSTILE, "value to escape")], HOSTILE),
]


@pytest.mark.parametrize(("choices", "value"), CASES)
def test_quick_select_matches_django_select(choices, value):
    attrs = {"class": "form-select", "id": "id_course", "required": True, "aria-describedby": HOSTILE}
    django = forms.Select(choices=choices).render("course", value, attrs=attrs)
    quick = QuickSelect(choices=choices).render("course", value, attrs=attrs)
    assert normalised(quick) == normalised(django)


def test_quick_select_escapes_labels_and_values():
    html = QuickSelect(choices=[(HOSTILE, HOSTILE)]).render("q", "")
    assert "<script>" not in html
    assert html.count("&lt;script&gt;") == 2


@pytest.mark.django_db
def test_quick_select_in_a_model_choice_field(university, police_force):
    def form(widget):
        class Form(forms.Form):
            organisation = forms.ModelChoiceField(
                queryset=type(university).objects.order_by("name"), empty_label="Any", widget=widget
            )

        return Form({"organisation": police_force.pk})

    quick, django = form(QuickSelect)["organisation"], form(forms.Select)["organisation"]
    assert normalised(quick) == normalised(django)
    assert f'<option value="{police_force.pk}" selected>' in str(quick)
