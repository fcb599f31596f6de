"""The error summary at the top of every page whose form did not validate (core/templatetags)."""

import re

import pytest
from django import forms
from django.template import Context, Template
from django.urls import reverse

from core.templatetags.portal_tags import summary_errors


class PersonForm(forms.Form):
    name = forms.CharField(label="Full name")
    role = forms.ChoiceField(label="Role", choices=[("a", "A"), ("b", "B")], widget=forms.RadioSelect)
    token = forms.CharField(widget=forms.HiddenInput)

    def clean(self):
        raise forms.ValidationError("Something about the whole form.")


def render(**context) -> str:
    return Template("{% load portal_tags %}{% error_summary %}").render(Context(context))


def test_each_error_links_to_its_field_and_form_wide_errors_do_not():
    form = PersonForm(data={})

    errors = summary_errors(Context({"form": form}))

    assert errors == [
        {"text": "Something about the whole form.", "href": ""},
        {"text": "Full name: This field is required.", "href": "#id_name"},
        {"text": "Role: This field is required.", "href": "#id_role_0"},  # the first radio button
        {"text": "This field is required.", "href": ""},  # hidden: nothing to link to
    ]


def test_forms_in_rows_are_found_and_unbound_or_valid_forms_add_nothing():
    failed = PersonForm(data={}, prefix="row2")
    rows = [{"form": PersonForm(prefix="row1")}, {"form": failed}]

    html = render(rows=rows, other=PersonForm())

    assert html.count("<li>") == 4
    assert 'href="#id_row2-name"' in html
    assert 'tabindex="-1"' in html and "data-error-summary" in html
    assert "There are problems" in html
    assert render(form=PersonForm()).strip() == ""


def test_the_text_of_an_error_is_escaped():
    form = forms.Form(data={})
    form.add_error(None, "<script>alert(1)</script>")

    html = render(form=form)

    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "There is a problem" in html


def summary_links(html: str) -> list[str]:
    summary = re.search(r'<div class="error-summary.*?</div>', html, re.S)
    assert summary, "no error summary on the page"
    return re.findall(r'<a href="#([^"]+)"', summary.group(0))


@pytest.mark.django_db
def test_a_form_page_shows_the_summary_above_its_content(client, university_liaison, partnership):
    client.force_login(university_liaison)
    url = reverse("partnerships:engagement_create", args=[partnership.pk])

    html = client.post(url, {"title": ""}).content.decode()

    links = summary_links(html)
    assert links, "the summary links to the fields in error"
    for target in links:
        assert f'id="{target}"' in html
    assert html.index("error-summary") < html.index("<h1")
