"""Demo agreements: one in force with one variation (signed, in force today, superseding the text
signed two months ago), and one mid-negotiation: version 1 commented on (one thread
internal to the force), a proposed wording accepted and one declined, version 2 in review with
the open threads carried into it.

Each is found by its title and created only when missing, through the same services the
pages use, so the audit trail, versions and signatures are what real use would leave.
"""

from datetime import timedelta

from django.utils import timezone

from accounts import reauth
from accounts.models import User
from agreements import services
from agreements.models import A, Agreement, AgreementTemplate
from partnerships.models import Partnership

NORTHBRIDGE = "University of Northbridge and Northbridge Police: safer campus partnership"
EASTMOOR = "Eastmoor University and Eastmoor and Dales Constabulary: tackling county lines"
SAFER_CAMPUS = "Safer campus memorandum of understanding 2026–2029"

FIELDS = {
    "meeting_months": 3,
    "statistics_months": 6,
    "training_months": 12,
    "term_months": 36,
    "review_months": 12,
    "notice_months": 3,
}


# The senior sponsors who sign the demo agreements (the partnerships' sponsors).
SPONSORS = ["police.sponsor", "uni.sponsor", "eastmoor.sponsor", "eastmoor.chief"]


def _start(title, partnership_title, by, area, effective_in_days):
    partnership = Partnership.objects.filter(title=partnership_title).first()
    template = AgreementTemplate.objects.filter(is_current=True).order_by("pk").first()
    if partnership is None or template is None or partnership.agreements.filter(title=title).exists():
        return None
    effective = timezone.localdate() + timedelta(days=effective_in_days)
    fields = {**FIELDS, "area_covered": area, "effective_date": effective}
    return services.start_draft(partnership, template, by=by, title=title, **fields)


def seed() -> dict[str, int]:
    users = {
        u.username: u
        for u in User.objects.filter(
            username__in=["uni.liaison", "police.liaison", "eastmoor.liaison", "eastmoor.police", *SPONSORS]
        )
    }
    created = 0
    if len(users) < 4 + len(SPONSORS):
        return {"agreements": 0}

    agreement = _start(
        SAFER_CAMPUS,
        NORTHBRIDGE,
        users["uni.liaison"],
        "the University of Northbridge's campus, its halls of residence and the streets around them",
        -60,
    )
    if agreement is not None:
        created += 1
        county_lines = agreement.clauses.filter(required=False, heading__icontains="county").first()
        if county_lines is not None:
            services.update_clause(county_lines, body=county_lines.body, included=True, by=users["uni.liaison"])
        # Signed and in force for two months: submitted, as the demo tells it, on its effective date.
        services.submit_for_review(agreement, by=users["uni.liaison"], today=agreement.effective_date)
        services.approve(agreement, by=users["police.liaison"], comment="Agreed at the strategic meeting.")
        _sign(agreement, [users[username] for username in SPONSORS[:2]])

    original = Agreement.objects.filter(title=SAFER_CAMPUS, varies=None, status=A.IN_FORCE).first()
    if original is not None and not original.variations.exists():
        created += 1
        _vary(
            original, university=users["uni.liaison"], force=users["police.liaison"], signers=SPONSORS[:2], users=users
        )

    agreement = _start(
        "Tackling county lines together: memorandum of understanding",
        EASTMOOR,
        users["eastmoor.liaison"],
        "Eastmoor University's Moor Lane campus, Heather Court and the town centre",
        30,
    )
    if agreement is not None:
        created += 1
        _negotiate(agreement, university=users["eastmoor.liaison"], force=users["eastmoor.police"])
    return {"agreements": created}


def _sign(agreement, signers):
    """The senior sponsors sign, each as themselves, with the seeded authenticator they must use
    (demo/two_factor.py): password and a code."""
    for user in signers:
        services.sign(
            agreement,
            by=user,
            position=user.job_title or "Senior sponsor",
            authentication=reauth.PASSWORD_AND_APP,
            ip_address=None,
            confirmed=True,
        )


def _vary(original, *, university, force, signers, users):
    """Variation 1 of the agreement in force: the hate crime reporting clause added, in force today."""
    variation = services.start_variation(original, by=university)
    hate_crime = variation.clauses.filter(required=False, included=False, heading__icontains="hate").first()
    if hate_crime is not None:
        services.update_clause(hate_crime, body=hate_crime.body, included=True, by=university)
    variation.effective_date = timezone.localdate()
    services.save_details(variation, fields=["effective_date"], by=university)
    services.submit_for_review(variation, by=university)
    services.approve(variation, by=force, comment="The campus becomes a hate crime third-party reporting centre.")
    _sign(variation, [users[username] for username in signers])


def _negotiate(agreement, *, university, force):
    """Version 1 reviewed and sent back, answered, revised and submitted as version 2."""
    services.submit_for_review(agreement, by=university)
    clauses = agreement.versions.get().clauses
    keys = {clause["key"] for clause in clauses}
    first = clauses[2]
    thread = services.comment_on_clause(
        agreement,
        clause_key=first["key"],
        body="Please name the County Lines Taskforce as our lead for anything involving exploitation.",
        by=force,
    )
    if "student_decides" in keys:
        services.comment_on_clause(
            agreement,
            clause_key="student_decides",
            body="Force legal: check this against our duty to record crime before we agree it.",
            by=force,
            internal=True,
        )
    proposals = []
    for key, added in (
        ("escalation", " Either party answers a concern raised under this clause within 10 working days."),
        ("liaison_meetings", " The meetings alternate between the campus and Eastmoor police station."),
    ):
        clause = agreement.clauses.filter(key=key, included=True).first()
        if clause is not None:
            proposals.append(
                services.propose_wording(
                    agreement, clause_key=key, text=clause.body + added, note="Suggested by our legal team.", by=force
                )
            )
    services.request_changes(agreement, by=force, comment="See our threads and the two proposed wordings.")
    services.reply(thread, body="Agreed: version 2 names the Taskforce's inspector.", by=university)
    if proposals:
        services.accept_proposal(proposals[0], by=university)
    if len(proposals) > 1:
        services.decline_proposal(
            proposals[1],
            reason="Our liaison office is on campus; meeting there keeps it simple for students.",
            by=university,
        )
    services.revise(agreement, by=university)
    clause = agreement.clauses.get(key=first["key"])
    services.update_clause(
        clause,
        body=clause.body + " For exploitation, the force's lead is the County Lines Taskforce's inspector.",
        included=True,
        by=university,
    )
    services.submit_for_review(agreement, by=university)
