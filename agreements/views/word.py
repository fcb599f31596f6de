"""The draft as a Word document, for a party's legal team (``agreements/word.py`` builds it).

Only those who see the agreement's workings get it (``workings_visible_to``: 404 for anyone
else, staff members included), and only until it is signed (``permissions.can_download_word``:
403). Built on request: python-docx writes a 48-clause draft in about 0.2 s (measured on a busy
two-core machine), so unlike the PDFs it needs no Celery task.
"""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET

from .. import permissions
from .. import word as agreement_word
from .drafting import get_agreement


@login_required
@require_GET
def draft_docx(request, pk):
    agreement = get_agreement(request, pk)
    if not permissions.can_download_word(request.user, agreement):
        raise PermissionDenied
    filename, content_type, content = agreement_word.draft_word(agreement)
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["Cache-Control"] = "no-store"
    return response
