"""Forms for drafting agreements, reviewing and signing them, comparing versions, and managing MOU templates."""

from datetime import date

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils import timezone

from accounts import reauth
from core.widgets import DateInput
from partnerships.forms.partnerships import ContactChoiceField
from partnerships.models import Contact

from .models import SIGNATORY_ROLES, Agreement, AgreementTemplate, SigningOrder, TemplateClause, date_errors

MONTHS_MIN, MONTHS_MAX = 1, 120
MONTHS_MESSAGE = f"Enter a whole number of months from {MONTHS_MIN} to {MONTHS_MAX}, or leave it empty for now."
MONTH_FIELDS = {
    "meeting_months": "How often the partners meet, for example 3 for every quarter.",
    "statistics_months": "How often anonymised statistics and trends are shared.",
    "training_months": "How often joint training takes place.",
    "term_months": "How long the memorandum lasts from its effective date: at least the review interval.",
    "review_months": "How often the partners review how the memorandum is working.",
    "notice_months": "The notice either side gives to end the memorandum: shorter than the term.",
}
DETAIL_FIELDS = [
    "title",
    "area_covered",
    "meeting_months",
    "statistics_months",
    "training_months",
    "effective_date",
    "term_months",
    "review_months",
    "notice_months",
    "institution_signatory",
    "police_signatory",
    "signing_order",
]
FIELDSETS = [
    ("The memorandum", ["template", "title", "area_covered"]),
    ("Commitments", ["meeting_months", "statistics_months", "training_months"]),
    ("Term", ["effective_date", "term_months", "review_months", "notice_months"]),
    ("Who signs", ["institution_signatory", "police_signatory", "signing_order"]),
]


class AgreementDetailsForm(forms.ModelForm):
    """The title and structured values of a draft: what its placeholders are filled with.

    Everything but the title may stay empty while drafting; submission names what is missing.
    """

    class Meta:
        model = Agreement
        fields = DETAIL_FIELDS
        widgets = {
            "effective_date": DateInput(),
            "area_covered": forms.Textarea(attrs={"rows": 3}),
            "signing_order": forms.RadioSelect,
        }
        help_texts = {
            "effective_date": "Not before today. May stay empty while drafting; fill it in before you submit.",
            "signing_order": "Each signatory is asked when it is their turn, and reminded while it waits.",
        }

    def __init__(self, *args, user, partnership, **kwargs):
        super().__init__(*args, **kwargs)
        for name, help_text in MONTH_FIELDS.items():
            self.fields[name] = forms.IntegerField(
                label=self.fields[name].label,
                required=False,
                min_value=MONTHS_MIN,
                max_value=MONTHS_MAX,
                help_text=help_text,
                error_messages={"invalid": MONTHS_MESSAGE, "min_value": MONTHS_MESSAGE, "max_value": MONTHS_MESSAGE},
                widget=forms.NumberInput(attrs={"min": MONTHS_MIN, "max": MONTHS_MAX}),
            )
        self.fields["effective_date"].validators.append(
            MinValueValidator(date(2000, 1, 1), message="Give an effective date from the year 2000 onwards.")
        )
        self.fields["effective_date"].validators.append(
            MaxValueValidator(date(2100, 12, 31), message="Give an effective date before the year 2101.")
        )
        # Who can sign: a person of that side with an active account, its senior sponsor or a liaison officer.
        contacts = Contact.objects.visible_to(user).filter(user__is_active=True, user__role__in=SIGNATORY_ROLES)
        for name, organisation in [
            ("institution_signatory", partnership.institution),
            ("police_signatory", partnership.police_force),
        ]:
            self.fields[name] = ContactChoiceField(
                queryset=contacts.filter(organisation=organisation),
                required=False,
                label=f"Signs for {organisation.name}",
                help_text="Usually the senior sponsor. They sign with their own portal account. "
                "Leave empty to use the partnership's senior sponsor.",
                empty_label="The partnership's senior sponsor",
            )
        if self.instance.varies_id:
            # A variation keeps the term of the agreement it varies (services.term_end).
            self.fields["term_months"].disabled = True
            self.fields["term_months"].help_text = "A variation keeps the term of the agreement it varies."
        self.fields["title"].error_messages["required"] = "Give the agreement a title."
        # Left out of a submission (an older form, a script): both sides at once, the default.
        self.fields["signing_order"].required = False

    def clean_signing_order(self):
        return self.cleaned_data["signing_order"] or SigningOrder.PARALLEL

    def clean(self):
        """The dates checked together. An effective date typed in may not be before today; one
        saved earlier and left alone is checked again when the draft is first submitted
        (``services.submit_for_review``), and a later version may keep it."""
        cleaned = super().clean()
        errors = date_errors(
            effective_date=cleaned.get("effective_date"),
            term_months=cleaned.get("term_months"),
            review_months=cleaned.get("review_months"),
            notice_months=cleaned.get("notice_months"),
            today=timezone.localdate() if "effective_date" in self.changed_data else None,
        )
        for field, message in errors.items():
            if field not in self.errors:
                self.add_error(field, message)
        return cleaned

    def fieldsets(self):
        """(legend, bound fields) groups for the template, skipping fields this form lacks."""
        return [(legend, [self[name] for name in names if name in self.fields]) for legend, names in FIELDSETS]

    def details(self) -> dict:
        return {name: self.cleaned_data[name] for name in DETAIL_FIELDS if name != "title"}


class AgreementCreateForm(AgreementDetailsForm):
    """Start a draft: choose the current version of a template, then the details."""

    class Meta(AgreementDetailsForm.Meta):
        fields = ["template", *DETAIL_FIELDS]

    def __init__(self, *args, user, partnership, **kwargs):
        super().__init__(*args, user=user, partnership=partnership, **kwargs)
        templates = AgreementTemplate.objects.visible_to(user).filter(is_current=True).order_by("name")
        self.fields["template"].queryset = templates
        self.fields["template"].label = "Template"
        self.fields["template"].empty_label = "Choose a template"
        self.fields["template"].help_text = "The model memorandum the draft starts from. You can change every clause."
        self.fields["template"].error_messages["required"] = "Choose the template to start from."
        self.fields["title"].help_text = "Suggested from the partnership's title: change it as you wish."
        if not self.is_bound:
            self.initial.setdefault("title", f"Memorandum of understanding: {partnership.title}")
            self.initial.setdefault("institution_signatory", partnership.institution_sponsor_id)
            self.initial.setdefault("police_signatory", partnership.police_sponsor_id)
            if len(templates) == 1:
                self.initial.setdefault("template", templates[0].pk)


class ClauseForm(forms.Form):
    body = forms.CharField(
        label="Text",
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text="Plain text. Keep placeholders such as {institution} where the agreement's details belong.",
        error_messages={"required": "Write the clause's text, or leave the clause out."},
    )
    included = forms.BooleanField(
        label="Include this clause in the agreement",
        required=False,
    )

    def __init__(self, *args, clause, **kwargs):
        kwargs.setdefault("initial", {"body": clause.body, "included": clause.included})
        super().__init__(*args, **kwargs)
        if clause.required:
            # A required clause is always in: no choice to offer.
            del self.fields["included"]

    def clean_body(self):
        body = self.cleaned_data["body"].strip()
        if not body:
            raise forms.ValidationError("Write the clause's text, or leave the clause out.")
        return body


class OptionalClausesForm(forms.Form):
    """One checkbox per optional clause of a draft: which to include, all saved at once."""

    def __init__(self, *args, clauses, **kwargs):
        super().__init__(*args, **kwargs)
        self.clauses = [clause for clause in clauses if not clause.required]
        for clause in self.clauses:
            guidance = clause.template_clause.guidance if clause.template_clause else ""
            self.fields[self.field_name(clause)] = forms.BooleanField(
                label=f"{clause.heading} (section {clause.section}, {clause.section_title})",
                required=False,
                initial=clause.included,
                help_text=guidance,
            )

    @staticmethod
    def field_name(clause) -> str:
        return f"include_{clause.key}"

    def included_keys(self) -> set[str]:
        return {clause.key for clause in self.clauses if self.cleaned_data.get(self.field_name(clause))}


class ResetClauseForm(forms.Form):
    """Confirm putting a clause back to its template's text."""

    confirmed = forms.BooleanField(
        label="Yes, replace this clause's text with the template's text",
        error_messages={"required": "Tick the box to confirm: your own wording of this clause will be lost."},
    )


class TemplateClauseForm(forms.ModelForm):
    class Meta:
        model = TemplateClause
        fields = ["heading", "body", "guidance", "required"]
        widgets = {"body": forms.Textarea(attrs={"rows": 8}), "guidance": forms.Textarea(attrs={"rows": 4})}
        labels = {
            "heading": "Heading",
            "body": "Text",
            "guidance": "Guidance for drafters",
            "required": "Required in every agreement",
        }
        help_texts = {"required": "Leave unticked for an optional clause that drafters may include."}


# Review and signing

COMMENT_MAX_LENGTH = 5000


class CommentForm(forms.Form):
    clause_key = forms.SlugField(widget=forms.HiddenInput)
    body = forms.CharField(
        label="Your comment",
        max_length=COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Write your comment."},
    )

    visibility = forms.ChoiceField(
        label="Who sees this thread",
        choices=[("shared", "Shared"), ("internal", "Internal")],
        initial="shared",
        required=False,  # not given: shared, as every comment was before threads could be internal
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": "Choose who sees this thread."},
    )

    def __init__(self, *args, clause: dict, own: str = "your organisation", other: str = "the other side", **kwargs):
        # One form per clause on the page: ids must not repeat.
        super().__init__(*args, auto_id=f"comment-{clause['key']}-%s", initial={"clause_key": clause["key"]}, **kwargs)
        self.fields["body"].label = f"Comment on clause {clause['number']}"
        self.fields["visibility"].choices = [
            ("shared", f"Shared with {other}"),
            ("internal", f"Internal to {own}: {other} never sees it"),
        ]

    @property
    def internal(self) -> bool:
        return self.cleaned_data.get("visibility") == "internal"


class ReplyForm(forms.Form):
    body = forms.CharField(
        label="Your reply",
        max_length=COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Write your reply."},
    )

    def __init__(self, *args, thread_pk: int, **kwargs):
        super().__init__(*args, auto_id=f"reply-{thread_pk}-%s", **kwargs)


class ProposeWordingForm(forms.Form):
    clause_key = forms.SlugField(widget=forms.HiddenInput)
    text = forms.CharField(
        label="Proposed wording",
        max_length=COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="The whole clause as you would have it. Words in braces, such as {institution}, are filled in "
        "from the agreement's details: keep them.",
        error_messages={"required": "Write the wording you propose for this clause."},
    )
    note = forms.CharField(
        label="Why (optional)",
        required=False,
        max_length=COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Starts the thread in which the institution answers.",
    )

    def __init__(self, *args, clause: dict, body: str, **kwargs):
        super().__init__(
            *args, auto_id=f"propose-{clause['key']}-%s", initial={"clause_key": clause["key"], "text": body}, **kwargs
        )
        self.fields["text"].label = f"Proposed wording for clause {clause['number']}"


class DeclineWordingForm(forms.Form):
    reason = forms.CharField(
        label="Why you decline it",
        max_length=COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="The force's liaison officers are told, with your reason.",
        error_messages={"required": "Say why you decline this wording, so the force knows."},
    )


class ApproveForm(forms.Form):
    comment = forms.CharField(
        label="Comment (optional)",
        required=False,
        max_length=COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Recorded in the agreement's history.",
    )
    acknowledge = forms.BooleanField(required=False)
    seen_threads = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, open_threads=(), **kwargs):
        super().__init__(*args, **kwargs)
        count = len(open_threads)
        if count:
            self.fields["acknowledge"].label = (
                f"I have read the {count} open shared thread{'s' if count > 1 else ''} and approve with "
                f"{'them' if count > 1 else 'it'} still open"
            )
            self.fields["acknowledge"].help_text = "Your approval records which threads were open."
            self.initial["seen_threads"] = ",".join(str(thread.pk) for thread in open_threads)
        else:
            del self.fields["acknowledge"]

    def clean_seen_threads(self) -> set[int] | None:
        value = self.cleaned_data["seen_threads"]
        ids = [part for part in value.split(",") if part]
        if not all(part.isdecimal() and part.isascii() and len(part) < 12 for part in ids):
            return set()  # not what the page sent: the service treats every open thread as unseen
        return {int(part) for part in ids}


REVIEW_SHOW = [("all", "All clauses"), ("attention", "Changed or with open threads")]


class ReviewFilterForm(forms.Form):
    """Which clauses the review page shows; anything else shows them all."""

    show = forms.ChoiceField(choices=REVIEW_SHOW, required=False)

    def __init__(self, data=None):
        super().__init__(data if data is not None else {})

    @property
    def attention_only(self) -> bool:
        return self.is_valid() and self.cleaned_data["show"] == "attention"


class RequestChangesForm(forms.Form):
    comment = forms.CharField(
        label="What needs to change",
        max_length=COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="The institution sees this with your comments on each clause when it revises the draft.",
        error_messages={"required": "Say what needs to change, so the institution knows what to revise."},
    )


class SignForm(reauth.ReauthenticationForm):
    """The position (typed by the signer), the confirmation, and the password (and a current
    code, for someone with a second factor) asked again.

    There is no name field: the signed-in account signs as itself (``services.sign``). The
    password is asked every time, never taken from a check remembered in the session.
    """

    field_order = ["position", "confirmed", "password", "code"]

    position = forms.CharField(
        max_length=200,
        help_text="Shown with your name on the signed PDF and the verification page, as you type it here.",
        error_messages={"required": "Give your position."},
    )
    confirmed = forms.BooleanField(
        error_messages={"required": "Confirm that you have authority to sign for your organisation."}
    )

    def __init__(self, user, *args, organisation: str, version_number: int, **kwargs):
        super().__init__(user, *args, **kwargs)
        self.fields["confirmed"].label = (
            f"I confirm I have authority to sign this memorandum for {organisation}, "
            f"and that I have read version {version_number}."
        )
        self.fields["password"].help_text = "The password you log in with. Signing asks for it every time."
        self.fields["password"].error_messages["required"] = "Type your password to sign."
        if "code" in self.fields:
            self.fields["code"].error_messages["required"] = "Type the current code from your authenticator app."

    def clean(self):
        # Check the password and code only once the rest is in order: a missing tick should not
        # use up a code (each app code works once).
        if {"position", "confirmed"} & set(self.errors):
            return self.cleaned_data
        return super().clean()


class CompareForm(forms.Form):
    a = forms.TypedChoiceField(label="From version", coerce=int)
    b = forms.TypedChoiceField(label="To version", coerce=int)

    def __init__(self, *args, numbers: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(n, f"Version {n}") for n in numbers]
        self.fields["a"].choices = self.fields["b"].choices = choices
        self.fields["a"].error_messages["invalid_choice"] = "Choose one of this agreement's versions."
        self.fields["b"].error_messages["invalid_choice"] = "Choose one of this agreement's versions."


class ReasonForm(forms.Form):
    """Why a signatory declines to sign, or why a side withdraws an agreement."""

    reason = forms.CharField(
        label="Reason",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        error_messages={"required": "Give your reason, so that both sides know."},
    )


class ReviewAnswerForm(forms.Form):
    """One side's answer to a scheduled review: reviewed, no change, with an optional note."""

    note = forms.CharField(
        label="Note for the record (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text="For example where and when you reviewed it. Both sides see it in the audit trail.",
    )
