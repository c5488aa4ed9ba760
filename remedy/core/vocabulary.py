"""The shared words of the domain: codes that the API and the database use, each with a
plain-language label for people (translated at render time).

These lists are part of the public contract (shared/API.md): add codes, never rename them.
"""

from remedy.core.messages import N_

FILER_TYPES = {
    "individual": N_("Myself (an individual)"),
    "group": N_("A group of people affected"),
    "representative_org": N_("An organisation representing affected people"),
}

SECTORS = {
    "employment": N_("Work and employment"),
    "education": N_("Education"),
    "health": N_("Health care"),
    "law_enforcement": N_("Police and law enforcement"),
    "social_protection": N_("Social security and welfare benefits"),
    "finance_credit": N_("Banking, credit and insurance"),
    "migration_border": N_("Migration, asylum and border control"),
    "public_administration": N_("Other public services"),
    "democratic_participation": N_("Elections and democratic participation"),
    "information_media": N_("Social media, news and information online"),
    "consumer_services": N_("Shopping and consumer services"),
    "housing": N_("Housing"),
    "other": N_("Something else"),
}

RIGHTS_DIMENSIONS = {
    "privacy_data_protection": N_("Privacy and data protection"),
    "equality_non_discrimination": N_("Equality and non-discrimination"),
    "access_to_remedy": N_("An effective remedy (being able to challenge a decision)"),
    "other": N_("Another right"),
}

REMEDIES = {
    "explanation": N_("An explanation of the decision"),
    "human_review": N_("A person to review the decision"),
    "correction": N_("Correction of wrong information"),
    "deletion": N_("Deletion of my data"),
    "compensation": N_("Compensation"),
    "apology": N_("An apology"),
    "stop_system": N_("A change to the system, or that it stops being used"),
    "other": N_("Something else"),
}

GROUNDS = {
    "race_ethnicity": N_("Race or ethnic origin"),
    "sex_gender": N_("Sex or gender"),
    "sexual_orientation": N_("Sexual orientation"),
    "age": N_("Age"),
    "disability": N_("Disability"),
    "religion_belief": N_("Religion or belief"),
    "nationality_migration": N_("Nationality or migration status"),
    "language": N_("Language"),
    "socioeconomic_status": N_("Income or social background"),
    "political_opinion": N_("Political opinion"),
    "other": N_("Another reason"),
}

ORG_TYPES = {
    "nhri": N_("National human rights institution"),
    "ombudsman": N_("Ombudsman"),
    "equality_body": N_("Equality body"),
    "dpa": N_("Data protection authority"),
    "market_surveillance": N_("AI market surveillance authority"),
    "consumer_authority": N_("Consumer protection authority"),
    "civil_society": N_("Civil-society organisation"),
    "other": N_("Other organisation"),
}

CONSENTS = {
    "contact": N_("Caseworkers may contact me about this complaint"),
    "share_across_borders": N_(
        "My name and contact details may be shared with an authority in another country "
        "if my complaint is sent there"
    ),
    "publish_narrative": N_(
        "My story may be published without my name or other identifying details, to "
        "show what is happening"
    ),
    "share_with_respondent": N_(
        "My name and what I wrote may be shown to the organisation I complain about, so "
        "that it can explain and put things right"
    ),
}

# What each workflow state means, as told to the complainant.
STATES = {
    "received": N_("Received: waiting for a caseworker to read it"),
    "triage": N_("Being read by a caseworker"),
    "needs_info": N_("Waiting for information from you"),
    "inadmissible": N_("Closed: the organisation cannot deal with it"),
    "investigating": N_("Being investigated"),
    "referred": N_("Sent to another authority"),
    "remedy_proposed": N_("A remedy has been proposed"),
    "remedy_monitoring": N_("Checking that the remedy is carried out"),
    "closed": N_("Closed"),
    "withdrawn": N_("Withdrawn by you"),
}

# Lines of the complainant's timeline.
TIMELINE_EVENTS = {
    "filed": N_("You made your complaint"),
    "message": N_("You sent a message"),
    "amendment": N_("You added to your complaint"),
    "evidence_added": N_("You added files"),
    "consent_changed": N_("You changed what you agree to"),
    "withdrawn": N_("You withdrew your complaint"),
}

# Where a remedy stands.
REMEDY_STATUSES = {
    "sought": N_("Sought"),
    "proposed": N_("Proposed"),
    "agreed": N_("Agreed"),
    "refused": N_("Refused"),
    "implemented": N_("Implemented"),
    "not_implemented": N_("Not implemented"),
}

# How urgent a case is (1 first).
PRIORITIES = {1: N_("Urgent"), 2: N_("Normal"), 3: N_("Low")}

# Lines of the complainant's timeline written by casework.
TIMELINE_EVENTS.update({
    "state_changed": N_("Your complaint moved on"),
    "remedy_update": N_("News about a remedy"),
    "staff_message": N_("The caseworker wrote to you"),
    "respondent_asked": N_("Your complaint was sent to the organisation you complained about, "
                           "asking it to explain and to put things right"),
    "respondent_answered": N_("The organisation you complained about answered"),
    "feedback": N_("You said whether the answer resolves the matter"),
    "story_published": N_("Your story was published on the public observatory, without your "
                          "name or anything that could point to you. If you withdraw your "
                          "agreement, it is taken down at once"),
    "story_taken_down": N_("Your story was taken off the public observatory"),
    "remedy_check": N_("We asked you whether a remedy happened"),
    "remedy_check_answered": N_("You said whether a remedy happened"),
    "claim_invitation": N_("You were invited to join a collective claim"),
    "claim_opt_in": N_("You joined a collective claim"),
    "claim_opt_out": N_("You chose not to be part of a collective claim"),
    "duplicate_closed": N_("This complaint was closed because you made the same complaint "
                           "before; your first complaint goes on"),
    "referral_sent": N_("Your complaint was passed to an authority in another country that can "
                        "act on it"),
    "referral_info_requested": N_("The authority your complaint was passed to asked for more "
                                  "information; your caseworker may contact you"),
    "referral_accepted": N_("The authority your complaint was passed to has taken it up"),
    "referral_declined": N_("The authority your complaint was passed to did not take it up; "
                            "your caseworker will tell you what happens next"),
    "referral_concluded": N_("The authority your complaint was passed to has concluded"),
})
