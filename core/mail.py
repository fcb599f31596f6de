"""The one way the portal sends email: templates emails/<name>_subject.txt, _body.txt, _body.html.

Every HTML body is set in one layout (templates/emails/_layout.html: the portal's name and
colours, the one thing to do as a button) and its CSS is inlined with css-inline, since many
mail programs ignore a <style> block. The plain-text body goes beside it.
"""

import css_inline
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string

_inliner = css_inline.CSSInliner(load_remote_stylesheets=False, keep_style_tags=False)


def html_body(name: str, context: dict, subject: str) -> str:
    """The HTML alternative: the kind's own body, in the layout, with the CSS inlined."""
    # The body was rendered with autoescaping on: render_to_string returns it marked safe, so the
    # layout puts it in as it is.
    content = render_to_string(f"emails/{name}_body.html", context)
    page = render_to_string("emails/_layout.html", {**context, "subject": subject, "content": content})
    return _inliner.inline(page)


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
    message.attach_alternative(html_body(name, context, subject), "text/html")
    for filename, content, mimetype in attachments:
        message.attach(filename, content, mimetype)
    message.send()
