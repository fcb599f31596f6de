"""The one way the portal sends email: templates emails/<name>_subject.txt, _body.txt, _body.html."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string


def send(name: str, to: list[str], context: dict, *, headers: dict | None = None, attachments=()) -> None:
    """Render and send one email to ``to`` (addresses without a value are skipped), with
    ``attachments`` as (filename, content, mimetype) triples."""
    recipients = [address for address in to if address]
    if not recipients:
        return
    context = {"portal_name": settings.PORTAL_NAME, "site_url": settings.SITE_URL.rstrip("/"), **context}
    subject = " ".join(render_to_string(f"emails/{name}_subject.txt", context).split())
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string(f"emails/{name}_body.txt", context),
        to=recipients,
        headers=headers,
    )
    message.attach_alternative(render_to_string(f"emails/{name}_body.html", context), "text/html")
    for filename, content, mimetype in attachments:
        message.attach(filename, content, mimetype)
    message.send()
