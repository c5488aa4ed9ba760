"""The rules of asking a respondent and of its answer, without a request or a database."""

import json
from datetime import date, timedelta

import pytest

from remedy.core.errors import ValidationFailed
from remedy.responses.domain import (
    CaseFacts,
    Deadlines,
    Timeliness,
    build_packet,
    parse_feedback,
    parse_remedy_check,
    parse_request,
    parse_response,
    reminder_due,
    request_deadlines,
    respondent_clock_rules,
    timeliness_after_answer,
    visible_packet,
)

TODAY = date(2026, 3, 2)  # a Monday
FINAL_DEADLINE = date(2026, 4, 30)
ASKED = ("explanation", "human_review")
NO_HOLIDAYS = lambda day: False  # noqa: E731


def refused(function, *args, **kwargs) -> dict[str, list[str]]:
    """The fields a call refused, with their messages as text."""
    with pytest.raises(ValidationFailed) as failure:
        function(*args, **kwargs)
    return {name: [str(m) for m in messages] for name, messages in failure.value.fields.items()}


def respond(values, questions=ASKED):
    return parse_response(values, questions=questions, today=TODAY, final_deadline=FINAL_DEADLINE)


EXPLAINED = {"category": "closed_with_explanation", "explanation": "The model scored you low.",
             "human_review": "Nobody reviewed it."}


# --- asking -------------------------------------------------------------------------------


def test_a_summary_is_required_when_the_identity_is_not_shared():
    values = {"questions": ["explanation"], "summary": "   "}
    assert refused(parse_request, values, identity_shared=False) == {"summary": ["This is required."]}
    assert parse_request(values, identity_shared=True).summary is None


@pytest.mark.parametrize("questions", [None, [], ""])
def test_at_least_one_question_is_asked(questions):
    fields = refused(parse_request, {"questions": questions, "summary": "s"}, identity_shared=False)
    assert list(fields) == ["questions"]


@pytest.mark.parametrize("values, field", [
    ({"questions": ["explanation", "favourite_colour"]}, "questions"),
    ({"questions": ["explanation"], "target": "regulator"}, "target"),
])
def test_an_unknown_question_or_target_is_refused_by_name(values, field):
    assert list(refused(parse_request, values, identity_shared=True)) == [field]


def test_questions_are_kept_in_the_canonical_order_once_and_the_target_defaults_to_deployer():
    draft = parse_request({"questions": ["remedy_offered", "explanation", "data_used", "explanation"],
                           "summary": " A loan refused. "}, identity_shared=False)
    assert draft.questions == ("explanation", "data_used", "remedy_offered")
    assert draft.summary == "A loan refused."
    assert draft.target == "deployer"
    assert parse_request({"questions": "human_review", "target": "provider"},
                         identity_shared=True).target == "provider"


# --- the packet ---------------------------------------------------------------------------

FACTS = CaseFacts(
    organisation="Data Ombudsman", ai_system="LoanScore", respondent_as_named="Acme Bank",
    sector="finance", rights_dimensions=("privacy_data_protection",), title="Loan refused by robot",
    narrative="My loan was refused by a machine in Aarhus.", language="da",
    complainant_name="Ana Jensen", date_of_harm=date(2025, 11, 3), remedies_sought=("explanation",),
)
PERSONAL = ("Ana Jensen", "Loan refused by robot", "refused by a machine", "2025-11-03")


def draft(identity_shared):
    return parse_request({"questions": ["explanation"], "summary": "A loan decision by a model."},
                         identity_shared=identity_shared)


def test_without_consent_the_packet_names_nothing_of_the_complainant():
    packet = build_packet(FACTS, draft(False), identity_shared=False)
    assert packet["identity"] is None
    text = json.dumps(packet)
    assert not [value for value in PERSONAL if value in text]
    assert packet["summary"] == "A loan decision by a model."
    assert packet["questions"] == ["explanation"]


def test_with_consent_the_packet_carries_the_identity_and_is_shown_unchanged():
    packet = build_packet(FACTS, draft(True), identity_shared=True)
    assert packet["identity"] == {"title": "Loan refused by robot", "narrative": FACTS.narrative,
                                  "language": "da", "complainant_name": "Ana Jensen",
                                  "date_of_harm": "2025-11-03"}
    assert visible_packet(packet, consent_now=True) == packet


def test_a_withdrawn_consent_hides_the_identity_and_says_so():
    packet = build_packet(FACTS, draft(True), identity_shared=True)
    visible = visible_packet(packet, consent_now=False)
    assert visible["identity"] is None
    assert visible["identity_withdrawn"] is True
    assert not [value for value in PERSONAL if value in json.dumps(visible)]
    assert packet["identity"]["complainant_name"] == "Ana Jensen"  # the stored packet is untouched
    assert {k: v for k, v in visible.items() if k not in ("identity", "identity_withdrawn")} == \
        {k: v for k, v in packet.items() if k != "identity"}


def test_a_packet_sent_without_consent_is_not_marked_withdrawn():
    packet = build_packet(FACTS, draft(False), identity_shared=False)
    assert "identity_withdrawn" not in visible_packet(packet, consent_now=False)


# --- answering ----------------------------------------------------------------------------


def test_a_complete_explanation_is_a_final_answer():
    answer = respond({**EXPLAINED, "final_due": "2026-03-10", "suggested_respondent": "Other"})
    assert answer.category == "closed_with_explanation"
    assert answer.explanation == "The model scored you low."
    assert answer.is_final
    assert answer.final_due_on is None  # only "in progress" keeps it
    assert answer.suggested_respondent is None  # only "wrong respondent" keeps it


def test_an_explanation_answers_each_question_asked_and_no_other():
    assert set(refused(respond, {"category": "closed_with_explanation"})) == {"explanation",
                                                                               "human_review"}
    assert respond(EXPLAINED, questions=ASKED).data_used is None  # not asked, not required


def test_an_explanation_is_required_even_when_not_asked():
    values = {"category": "closed_with_explanation", "data_used": "Income."}
    assert list(refused(respond, values, questions=("data_used",))) == ["explanation"]


@pytest.mark.parametrize("category", ["closed_with_monetary_relief",
                                      "closed_with_non_monetary_relief"])
def test_relief_names_the_remedy_types_and_what_is_offered(category):
    assert set(refused(respond, {"category": category}, questions=())) == {"remedy_types",
                                                                           "remedy_offered"}
    answer = respond({"category": category, "remedy_types": ["compensation", "apology"],
                      "remedy_offered": "EUR 500 and a letter.", "remedy_due_on": "2026-03-31"},
                     questions=())
    assert answer.remedy_types == ("compensation", "apology")
    assert answer.remedy_due_on == date(2026, 3, 31)


def test_monetary_relief_includes_compensation():
    values = {"category": "closed_with_monetary_relief", "remedy_types": ["apology"],
              "remedy_offered": "A letter."}
    fields = refused(respond, values, questions=())
    assert list(fields) == ["remedy_types"]
    assert "compensation" in fields["remedy_types"][0].lower()
    assert respond({**values, "category": "closed_with_non_monetary_relief"}, questions=())


def test_an_unknown_remedy_type_is_refused():
    values = {"category": "closed_with_non_monetary_relief", "remedy_types": ["a_pony"],
              "remedy_offered": "A pony."}
    assert list(refused(respond, values, questions=())) == ["remedy_types"]


@pytest.mark.parametrize("final_due", [TODAY, TODAY + timedelta(days=10), FINAL_DEADLINE,
                                          FINAL_DEADLINE.isoformat()])
def test_in_progress_gives_a_date_from_today_to_the_final_deadline(final_due):
    answer = respond({"category": "in_progress", "final_due": final_due})
    assert answer.final_due_on == date.fromisoformat(str(final_due))
    assert not answer.is_final
    assert answer.explanation is None  # the questions wait for the final answer


@pytest.mark.parametrize("final_due", [TODAY - timedelta(days=1),
                                          FINAL_DEADLINE + timedelta(days=1)])
def test_in_progress_outside_the_window_is_refused(final_due):
    fields = refused(respond, {"category": "in_progress", "final_due": final_due})
    assert list(fields) == ["final_due"]
    assert FINAL_DEADLINE.isoformat() in fields["final_due"][0]


def test_in_progress_without_a_date_is_refused():
    assert list(refused(respond, {"category": "in_progress"})) == ["final_due"]


def test_wrong_respondent_names_who_instead_but_answers_no_question():
    assert list(refused(respond, {"category": "wrong_respondent"})) == ["suggested_respondent"]
    answer = respond({"category": "wrong_respondent", "suggested_respondent": "Acme Leasing Ltd"})
    assert answer.suggested_respondent == "Acme Leasing Ltd"
    assert answer.is_final


@pytest.mark.parametrize("category", [None, "", "closed", "CLOSED_WITH_EXPLANATION"])
def test_an_unknown_category_is_refused(category):
    assert "category" in refused(respond, {**EXPLAINED, "category": category})


@pytest.mark.parametrize("field, limit", [("explanation", 20_000), ("extra_answer", 20_000),
                                          ("public_response", 5_000),
                                          ("suggested_respondent", 300)])
def test_text_over_its_limit_is_refused_naming_the_limit(field, limit):
    values = {"category": "wrong_respondent", "suggested_respondent": "Acme Leasing Ltd"}
    assert getattr(respond({**values, field: "a" * limit}), field) == "a" * limit
    fields = refused(respond, {**values, field: "a" * (limit + 1)})
    assert list(fields) == [field]
    assert str(limit) in fields[field][0]


@pytest.mark.parametrize("value", [42, ["an answer"], {"text": "an answer"}])
@pytest.mark.parametrize("field", ["explanation", "extra_answer", "public_response"])
def test_a_value_that_is_not_text_is_refused(field, value):
    assert refused(respond, {**EXPLAINED, field: value}) == {field: ["This must be text."]}


def test_a_remedy_date_in_the_past_is_refused_and_today_is_not():
    values = {"category": "closed_with_non_monetary_relief", "remedy_types": ["apology"],
              "remedy_offered": "A letter."}
    assert list(refused(respond, {**values, "remedy_due_on": "2026-03-01"}, questions=())) == \
        ["remedy_due_on"]
    assert respond({**values, "remedy_due_on": " 2026-03-02 "}, questions=()).remedy_due_on == TODAY


@pytest.mark.parametrize("raw", ["31/03/2026", "tomorrow", "2026-02-30"])
@pytest.mark.parametrize("field", ["remedy_due_on", "final_due"])
def test_a_date_in_another_format_is_refused(field, raw):
    fields = refused(respond, {"category": "in_progress", "final_due": "2026-03-10", field: raw})
    assert list(fields) == [field]
    assert "year-month-day" in fields[field][0]


def test_a_category_that_is_not_text_is_refused():
    assert "category" in refused(respond, {**EXPLAINED, "category": ["in_progress"]})


# --- deadlines ----------------------------------------------------------------------------

INITIAL_DUE, FINAL_DUE = date(2026, 3, 17), date(2026, 5, 1)


@pytest.mark.parametrize("answered_on, is_final, expected", [
    (INITIAL_DUE, False, Timeliness(True, None)),  # the due day itself is on time
    (INITIAL_DUE + timedelta(days=1), False, Timeliness(False, None)),
    (INITIAL_DUE, True, Timeliness(True, True)),  # a first answer that is final settles both
    (INITIAL_DUE + timedelta(days=1), True, Timeliness(False, True)),
    (FINAL_DUE + timedelta(days=1), True, Timeliness(False, False)),
])
def test_a_first_answer_settles_the_initial_deadline(answered_on, is_final, expected):
    assert timeliness_after_answer(answered_on, initial_due=INITIAL_DUE, final_due=FINAL_DUE,
                                   initial_before=None, is_final=is_final) == expected


@pytest.mark.parametrize("initial_before", [True, False])
@pytest.mark.parametrize("answered_on, final_on_time", [(FINAL_DUE, True),
                                                        (FINAL_DUE + timedelta(days=1), False)])
def test_a_later_final_answer_settles_only_the_final_deadline(initial_before, answered_on,
                                                             final_on_time):
    assert timeliness_after_answer(answered_on, initial_due=INITIAL_DUE, final_due=FINAL_DUE,
                                   initial_before=initial_before, is_final=True) == \
        Timeliness(initial_before, final_on_time)


@pytest.mark.parametrize("days_left, expected", [(8, False), (7, True), (3, True), (0, True),
                                                 (-1, False)])
def test_a_reminder_goes_out_in_the_days_before_the_due_date(days_left, expected):
    assert reminder_due(TODAY, TODAY + timedelta(days=days_left), 7) is expected


@pytest.mark.parametrize("settings", [None, {}, {"somebody_else": 3}])
def test_the_respondent_has_15_and_60_calendar_days_by_default(settings):
    rules = respondent_clock_rules(settings)
    assert (rules["respondent_answer"].length, rules["respondent_final"].length) == (15, 60)
    assert request_deadlines(TODAY, rules, NO_HOLIDAYS) == \
        Deadlines(date(2026, 3, 17), date(2026, 5, 1))


def test_an_organisations_own_respondent_clock_is_used_with_its_holidays():
    rules = respondent_clock_rules({"respondent_answer": {"length": 10, "unit": "working_days"},
                                    "respondent_final": 30})
    holidays = {date(2026, 3, 6), date(2026, 3, 9)}  # a Friday and the Monday after
    deadlines = request_deadlines(TODAY, rules, holidays.__contains__)
    # ten working days from Monday 2 March, skipping two weekends and two holidays
    assert deadlines.initial_due_on == date(2026, 3, 18)
    assert request_deadlines(TODAY, rules, NO_HOLIDAYS).initial_due_on == date(2026, 3, 16)
    assert deadlines.final_due_on == TODAY + timedelta(days=30)  # still calendar days


# --- the complainant's say ------------------------------------------------------------------


@pytest.mark.parametrize("raw, satisfied", [(True, True), ("yes", True), ("YES", True),
                                            ("true", True), (False, False), ("no", False)])
def test_satisfied_is_a_bool_or_yes_or_no(raw, satisfied):
    feedback = parse_feedback({"satisfied": raw, "comment": " Still no answer. "})
    assert feedback.satisfied is satisfied
    assert feedback.comment == "Still no answer."


@pytest.mark.parametrize("raw", [None, "", "maybe", 1, ["yes"]])
def test_satisfied_must_be_said(raw):
    assert list(refused(parse_feedback, {"satisfied": raw})) == ["satisfied"]


def test_a_comment_is_required_only_when_not_satisfied():
    assert refused(parse_feedback, {"satisfied": "no", "comment": "  "}) == \
        {"comment": ["This is required."]}
    assert parse_feedback({"satisfied": "yes"}).comment is None


def test_a_long_feedback_comment_is_refused():
    assert list(refused(parse_feedback, {"satisfied": True, "comment": "a" * 5_001})) == ["comment"]


@pytest.mark.parametrize("raw, happened", [(True, True), ("yes", True), ("no", False),
                                           (False, False)])
def test_a_remedy_check_says_whether_it_happened_with_an_optional_comment(raw, happened):
    assert parse_remedy_check({"happened": raw}).satisfied is happened
    assert parse_remedy_check({"happened": raw, "comment": "Paid."}).comment == "Paid."


@pytest.mark.parametrize("values", [{}, {"happened": "perhaps"}, {"happened": 0}])
def test_a_remedy_check_without_an_answer_is_refused(values):
    assert list(refused(parse_remedy_check, values)) == ["happened"]
