"""Managing MOU templates: new versions and changes to a version's clauses.

A template version that an agreement was drafted from never changes, so the agreement's
origin stays readable; a change to such a template is a new version, which becomes the one
offered for new agreements.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max

from . import permissions
from .models import AgreementTemplate, TemplateClause, clause_text
from .services import refuse_unknown_placeholders

IN_USE_MESSAGE = "Agreements were drafted from this version, so it cannot change. Create a new version to change it."


def is_in_use(template: AgreementTemplate) -> bool:
    return template.agreements.exists()


@transaction.atomic
def new_template_version(template: AgreementTemplate, by) -> AgreementTemplate:
    """Copy ``template`` and its clauses into the next version number and make the copy current.

    The old current version is switched off first: the database allows one current version
    per template name.
    """
    if not permissions.can_manage_templates(by):
        raise PermissionDenied("Only administrators manage templates.")
    versions = AgreementTemplate.objects.select_for_update().filter(name=template.name)
    latest = versions.aggregate(latest=Max("version"))["latest"] or 0
    versions.filter(is_current=True).update(is_current=False)
    copy = AgreementTemplate.objects.create(
        name=template.name,
        version=latest + 1,
        description=template.description,
        is_current=True,
        created_by=by,
    )
    TemplateClause.objects.bulk_create(
        TemplateClause(template=copy, guidance=clause.guidance, element=clause.element, **clause_text(clause))
        for clause in template.clauses.all()
    )
    return copy


@transaction.atomic
def update_template_clause(
    clause: TemplateClause, *, heading: str, body: str, guidance: str, required: bool, by
) -> TemplateClause:
    """Change one clause of a template version that no agreement uses yet."""
    if not permissions.can_manage_templates(by):
        raise PermissionDenied("Only administrators manage templates.")
    # Lock the version so an agreement cannot be drafted from it half-way through the change.
    template = AgreementTemplate.objects.select_for_update().get(pk=clause.template_id)
    if is_in_use(template):
        raise ValidationError(IN_USE_MESSAGE)
    errors = {}
    if not heading.strip():
        errors["heading"] = "Give the clause a heading."
    if not body.strip():
        errors["body"] = "Write the clause's text."
    if errors:
        raise ValidationError(errors)
    refuse_unknown_placeholders(body)
    clause.heading, clause.body, clause.guidance, clause.required = (
        heading.strip(),
        body.strip(),
        guidance.strip(),
        required,
    )
    clause.save(update_fields=["heading", "body", "guidance", "required"])
    return clause
