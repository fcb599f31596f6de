"""Fictional demo data: organisations, units, contacts and one user of every role.

Partnerships and what partners did in them (engagements, actions, information shares) are
in ``demo.partnerships``. Every record is looked up by a natural key and created only
when missing, so running the seed again changes nothing.
"""

from dataclasses import dataclass

from django.db import transaction

from accounts.models import Role, User
from demo import agreements as demo_agreements
from demo import partnerships as demo_partnerships
from demo import training as demo_training
from partnerships import stored_health
from partnerships.models import Contact, Organisation, OrganisationKind, Region, Unit

DEMO_PASSWORD = "partnership-demo-2026"  # noqa: S105 - printed for demo logins only

ORGANISATIONS = [
    {
        "name": "University of Northbridge",
        "kind": OrganisationKind.UNIVERSITY,
        "region": Region.NORTH_WEST,
        "address": "1 College Green\nNorthbridge\nNB1 4QA",
        "website": "https://www.northbridge.example.ac.uk",
        "units": [
            ("Student Wellbeing and Support", "Receives disclosures and arranges support for students."),
            ("Campus Security", "Round-the-clock security team for campus and halls."),
            ("Residential Life", "Hall wardens and residence managers in university accommodation."),
        ],
    },
    {
        "name": "Northbridge City College",
        "kind": OrganisationKind.COLLEGE,
        "region": Region.NORTH_WEST,
        "address": "Quayside Road\nNorthbridge\nNB3 7LT",
        "website": "https://www.ncc.example.ac.uk",
        "units": [("Safeguarding Team", "Designated safeguarding leads for learners.")],
    },
    {
        "name": "Eastmoor University",
        "kind": OrganisationKind.UNIVERSITY,
        "region": Region.YORKSHIRE,
        "address": "Moor Lane\nEastmoor\nEM2 9HD",
        "website": "https://www.eastmoor.example.ac.uk",
        "units": [
            ("Student Services", "Advice, wellbeing and report-and-support."),
            ("Accommodation Services", "Runs the university's halls of residence."),
        ],
    },
    {
        "name": "Northbridge Police",
        "kind": OrganisationKind.POLICE_FORCE,
        "region": Region.NORTH_WEST,
        "address": "Force Headquarters, Bridge Street\nNorthbridge\nNB1 1PD",
        "website": "https://www.northbridge-police.example.uk",
        "units": [
            ("City Centre Neighbourhood Policing Team", "Covers the university campus and student areas."),
            ("Rape and Serious Crime Unit", "Investigates rape and serious sexual offences."),
            ("Community Engagement Team", "First contact for community partners, reached through 101."),
        ],
    },
    {
        "name": "Eastmoor and Dales Constabulary",
        "kind": OrganisationKind.POLICE_FORCE,
        "region": Region.YORKSHIRE,
        "address": "Constabulary House\nEastmoor\nEM1 2CD",
        "website": "https://www.eastmoor-dales-police.example.uk",
        "units": [
            ("Eastmoor Neighbourhood Policing Team", "Covers Eastmoor town centre and campus."),
            ("County Lines Taskforce", "Targets drug lines and protects exploited young people."),
        ],
    },
    {
        "name": "Royal Northbridge Conservatoire",
        "kind": OrganisationKind.UNIVERSITY,
        "region": Region.NORTH_WEST,
        "address": "Cathedral Walk\nNorthbridge\nNB2 5RC",
        "website": "https://www.rnc.example.ac.uk",
        "units": [("Student Services", "Wellbeing, disability and safeguarding support for students.")],
    },
    {
        "name": "Westfell College",
        "kind": OrganisationKind.COLLEGE,
        "region": Region.YORKSHIRE,
        "address": "Station Road\nWestfell\nEM8 3WC",
        "website": "https://www.westfell.example.ac.uk",
        "units": [("Safeguarding Team", "Designated safeguarding leads for learners.")],
    },
    {
        "name": "Moorside College",
        "kind": OrganisationKind.COLLEGE,
        "region": Region.YORKSHIRE,
        "address": "Moorside Road\nEastmoor\nEM4 6MC",
        "website": "https://www.moorside.example.ac.uk",
        "units": [],
    },
    {
        "name": "Northbridge Borough Council",
        "kind": OrganisationKind.LOCAL_AUTHORITY,
        "region": Region.NORTH_WEST,
        "address": "Town Hall, Market Square\nNorthbridge\nNB1 2TH",
        "website": "https://www.northbridge.example.gov.uk",
        "units": [("Community Safety Team", "Runs the community safety partnership and the city centre CCTV.")],
    },
    {
        "name": "St Aidan's Community Church",
        "kind": OrganisationKind.FAITH_GROUP,
        "region": Region.NORTH_WEST,
        "address": "Aidan Street\nNorthbridge\nNB4 2SA",
        "units": [],
    },
    {
        "name": "Partnership Portal Service",
        "kind": OrganisationKind.OTHER,
        "region": "",
        "address": "Runs the portal for its member organisations.",
        "units": [],
    },
]


@dataclass(frozen=True)
class DemoUser:
    username: str
    first_name: str
    last_name: str
    organisation: str
    role: str
    job_title: str
    unit: str = ""


USERS = [
    DemoUser(
        "uni.liaison",
        "Priya",
        "Shah",
        "University of Northbridge",
        Role.UNIVERSITY_LIAISON,
        "Head of Student Safety",
        "Student Wellbeing and Support",
    ),
    DemoUser(
        "police.liaison",
        "Daniel",
        "Okafor",
        "Northbridge Police",
        Role.POLICE_LIAISON,
        "Police Higher Education Liaison Officer",
        "City Centre Neighbourhood Policing Team",
    ),
    DemoUser(
        "staff.member",
        "Hannah",
        "Lewis",
        "University of Northbridge",
        Role.STAFF,
        "Residential Life Adviser",
        "Student Wellbeing and Support",
    ),
    DemoUser("admin", "Morgan", "Reid", "Partnership Portal Service", Role.ADMINISTRATOR, "Portal Administrator"),
    DemoUser(
        "eastmoor.liaison",
        "Tom",
        "Harding",
        "Eastmoor University",
        Role.UNIVERSITY_LIAISON,
        "Student Safety Manager",
        "Student Services",
    ),
    DemoUser(
        "eastmoor.police",
        "Aisha",
        "Rahman",
        "Eastmoor and Dales Constabulary",
        Role.POLICE_LIAISON,
        "Student Liaison Sergeant",
        "Eastmoor Neighbourhood Policing Team",
    ),
    DemoUser(
        "uni.sponsor",
        "Elaine",
        "Marsh",
        "University of Northbridge",
        Role.SENIOR_SPONSOR,
        "Pro-Vice-Chancellor (Student Experience)",
    ),
    DemoUser(
        "police.sponsor",
        "Claire",
        "Hughes",
        "Northbridge Police",
        Role.SENIOR_SPONSOR,
        "Superintendent, Northbridge Local Policing Area",
    ),
    DemoUser(
        "uni.deputy",
        "Joanna",
        "Fairclough",
        "University of Northbridge",
        Role.UNIVERSITY_LIAISON,
        "Head of Student Wellbeing",
        "Student Wellbeing and Support",
    ),
    DemoUser(
        "police.deputy",
        "James",
        "Whittaker",
        "Northbridge Police",
        Role.POLICE_LIAISON,
        "Sergeant, City Centre Neighbourhood Policing Team",
        "City Centre Neighbourhood Policing Team",
    ),
    DemoUser(
        "eastmoor.sponsor",
        "Helen",
        "Bramley",
        "Eastmoor University",
        Role.SENIOR_SPONSOR,
        "Deputy Vice-Chancellor",
    ),
    DemoUser(
        "eastmoor.chief",
        "Richard",
        "Holroyd",
        "Eastmoor and Dales Constabulary",
        Role.SENIOR_SPONSOR,
        "Chief Inspector, Eastmoor District",
    ),
    DemoUser(
        "council.liaison",
        "Nia",
        "Roberts",
        "Northbridge Borough Council",
        Role.AGENCY_LIAISON,
        "Community Safety Manager",
        "Community Safety Team",
    ),
    DemoUser(
        "college.staff",
        "Chris",
        "Doyle",
        "Northbridge City College",
        Role.STAFF,
        "Designated Safeguarding Lead",
        "Safeguarding Team",
    ),
]

# Contacts who do not use the portal themselves.
CONTACTS = [
    (
        "Northbridge Police",
        "Rape and Serious Crime Unit",
        "Detective Inspector Ruth Adeyemi",
        "Detective Inspector",
        "ruth.adeyemi@northbridge-police.example.uk",
        "101",
    ),
    (
        "Northbridge Police",
        "Community Engagement Team",
        "Sam Whitfield",
        "Community Engagement Officer",
        "sam.whitfield@northbridge-police.example.uk",
        "101",
    ),
    (
        "University of Northbridge",
        "Campus Security",
        "Gareth Price",
        "Head of Campus Security",
        "g.price@northbridge.example.ac.uk",
        "01632 960123",
    ),
    (
        "Northbridge Police",
        "City Centre Neighbourhood Policing Team",
        "Owen Pritchard",
        "Police Community Support Officer, City Centre Neighbourhood Policing Team",
        "owen.pritchard@northbridge-police.example.uk",
        "101",
    ),
    (
        "Northbridge Police",
        "Rape and Serious Crime Unit",
        "Nadia Hussain",
        "Detective Sergeant, Rape and Serious Crime Unit",
        "nadia.hussain@northbridge-police.example.uk",
        "101",
    ),
    (
        "University of Northbridge",
        "Residential Life",
        "Kwame Mensah",
        "Residence Manager, Harbour Halls",
        "k.mensah@northbridge.example.ac.uk",
        "01632 960188",
    ),
    (
        "Northbridge City College",
        "",
        "Rebecca Ashworth",
        "Vice Principal, Learners and Quality",
        "r.ashworth@ncc.example.ac.uk",
        "01632 960410",
    ),
    (
        "Eastmoor University",
        "Accommodation Services",
        "Matthew Kerr",
        "Head of Accommodation Services",
        "m.kerr@eastmoor.example.ac.uk",
        "01632 960736",
    ),
    (
        "Eastmoor and Dales Constabulary",
        "County Lines Taskforce",
        "Leanne Firth",
        "Detective Sergeant, County Lines Taskforce",
        "leanne.firth@eastmoor-dales-police.example.uk",
        "101",
    ),
    (
        "Royal Northbridge Conservatoire",
        "Student Services",
        "Dr Isobel Grant",
        "Director of Student Services",
        "i.grant@rnc.example.ac.uk",
        "01632 960530",
    ),
    ("Westfell College", "", "Janet Crowther", "Principal", "j.crowther@westfell.example.ac.uk", "01632 960611"),
    (
        "Westfell College",
        "Safeguarding Team",
        "Mark Stubbs",
        "Assistant Principal and Designated Safeguarding Lead",
        "m.stubbs@westfell.example.ac.uk",
        "01632 960618",
    ),
    ("Moorside College", "", "Emma Clough", "Head of Safeguarding", "e.clough@moorside.example.ac.uk", "01632 960655"),
    (
        "Northbridge Borough Council",
        "Community Safety Team",
        "Sophie Marsden",
        "Community Safety Manager",
        "sophie.marsden@northbridge.example.gov.uk",
        "01632 960250",
    ),
    ("St Aidan's Community Church", "", "Reverend Andrew Kemp", "Vicar", "vicar@st-aidans.example.org.uk", ""),
]


def demo_email(user: DemoUser) -> str:
    return f"{user.username}@demo.example.org"


@transaction.atomic
def seed() -> dict[str, int]:
    """Create whatever demo records are missing and return how many of each were created."""
    created = {"organisations": 0, "units": 0, "users": 0, "contacts": 0}
    organisations = {}
    units = {}
    for spec in ORGANISATIONS:
        fields = {key: value for key, value in spec.items() if key not in ("name", "units")}
        organisation, made = Organisation.objects.get_or_create(name=spec["name"], defaults=fields)
        created["organisations"] += made
        organisations[organisation.name] = organisation
        for unit_name, description in spec["units"]:
            unit, made = Unit.objects.get_or_create(
                organisation=organisation, name=unit_name, defaults={"description": description}
            )
            created["units"] += made
            units[(organisation.name, unit_name)] = unit

    for spec in USERS:
        organisation = organisations[spec.organisation]
        user = User.objects.filter(username=spec.username).first()
        if user is None:
            user = User(
                username=spec.username,
                first_name=spec.first_name,
                last_name=spec.last_name,
                email=demo_email(spec),
                organisation=organisation,
                role=spec.role,
                job_title=spec.job_title,
                is_staff=spec.role == Role.ADMINISTRATOR,
                is_superuser=spec.role == Role.ADMINISTRATOR,
            )
            user.set_password(DEMO_PASSWORD)
            user.full_clean()
            user.save()
            created["users"] += 1
        contact, made = Contact.objects.get_or_create(
            organisation=organisation,
            name=f"{spec.first_name} {spec.last_name}",
            defaults={
                "user": user,
                "job_title": spec.job_title,
                "email": demo_email(spec),
                "unit": units.get((spec.organisation, spec.unit)),
            },
        )
        created["contacts"] += made
        if contact.user_id is None and user.organisation_id == organisation.pk and not hasattr(user, "contact"):
            # A contact left unlinked (by an older seed or by hand): the user acts through it,
            # which is what lets them be a partnership's single point of contact.
            contact.user = user
            contact.save(update_fields=["user"])

    for org_name, unit_name, name, job_title, email, phone in CONTACTS:
        _, made = Contact.objects.get_or_create(
            organisation=organisations[org_name],
            name=name,
            defaults={
                "unit": units.get((org_name, unit_name)),
                "job_title": job_title,
                "email": email,
                "phone": phone,
            },
        )
        created["contacts"] += made

    created.update(demo_partnerships.seed())
    created.update(demo_agreements.seed())
    created.update(demo_training.seed())
    # The seed backdates rows with update(), which no save() sees: store every partnership's
    # health light once the world is in place (partnerships/stored_health.py).
    stored_health.check_all(log_drift=False)
    return created
