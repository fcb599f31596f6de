from .activity import (
    OPEN_ACTION_STATUSES,
    Action,
    ActionStatus,
    Engagement,
    EngagementKind,
)
from .commitments import Commitment, CommitmentKind
from .organisations import Contact, Organisation, OrganisationKind, Region, Unit
from .partnerships import (
    LIVE_STATUSES,
    TRANSITIONS,
    AgencyInvitation,
    FocusArea,
    InvitationStatus,
    Partnership,
    PartnershipStatus,
)
from .sharing import (
    Direction,
    InformationShare,
    LawfulBasis,
    Outcome,
    ShareCategory,
    ShareView,
    retention_end,
)

__all__ = [
    "LIVE_STATUSES",
    "OPEN_ACTION_STATUSES",
    "TRANSITIONS",
    "Action",
    "AgencyInvitation",
    "InvitationStatus",
    "ActionStatus",
    "Commitment",
    "CommitmentKind",
    "Contact",
    "Direction",
    "Engagement",
    "EngagementKind",
    "FocusArea",
    "InformationShare",
    "LawfulBasis",
    "Organisation",
    "OrganisationKind",
    "Outcome",
    "Partnership",
    "PartnershipStatus",
    "Region",
    "ShareCategory",
    "ShareView",
    "Unit",
    "retention_end",
]
