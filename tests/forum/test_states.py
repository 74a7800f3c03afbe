"""The one state model of a question (forum/states.py): every state, from its facts."""

from datetime import UTC, datetime

import pytest
from django.template.loader import render_to_string
from django.utils import translation

from forum.models import Thread
from forum.selectors import states_of_threads
from forum.states import QuestionState, question_state, state_of
from tests.factories import ThreadFactory

AT = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
NOTHING = {
    "is_closed": False,
    "is_solved": False,
    "is_with_support": False,
    "was_resolved_by_support": False,
    "is_answered": False,
    "is_flagged_for_help": False,
}


def facts(**changes) -> dict:
    return {**NOTHING, **changes}


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({}, QuestionState.NEW),
        ({"is_flagged_for_help": True}, QuestionState.NEEDS_HELP),
        ({"is_answered": True}, QuestionState.ANSWERED),
        ({"is_solved": True, "is_answered": True}, QuestionState.SOLVED),
        ({"is_with_support": True, "is_flagged_for_help": True}, QuestionState.WITH_SUPPORT),
        ({"was_resolved_by_support": True, "is_answered": True}, QuestionState.RESOLVED_BY_SUPPORT),
        ({"is_closed": True}, QuestionState.CLOSED),
    ],
    ids=lambda value: value if isinstance(value, str) else None,
)
def test_each_state_from_its_facts(changes, expected):
    assert question_state(**facts(**changes)) == expected


def test_the_function_names_every_state():
    reached = {question_state(**facts(**{name: True})) for name in NOTHING} | {
        question_state(**NOTHING)
    }

    assert reached == set(QuestionState)


def test_an_answer_takes_a_question_off_needs_help():
    assert question_state(**facts(is_flagged_for_help=True, is_answered=True)) == "answered"


def test_needs_help_never_shows_beside_the_support_team():
    """Flagged and escalated: one state, the support team's (never two chips)."""
    assert question_state(**facts(is_flagged_for_help=True, is_with_support=True)) == (
        QuestionState.WITH_SUPPORT
    )
    assert question_state(**facts(is_flagged_for_help=True, was_resolved_by_support=True)) == (
        QuestionState.RESOLVED_BY_SUPPORT
    )


def test_an_accepted_answer_outranks_the_support_team():
    assert question_state(**facts(is_solved=True, is_with_support=True)) == QuestionState.SOLVED
    assert question_state(**facts(is_solved=True, was_resolved_by_support=True)) == "solved"


def test_being_worked_again_outranks_an_earlier_resolution():
    assert question_state(**facts(is_with_support=True, was_resolved_by_support=True)) == (
        QuestionState.WITH_SUPPORT
    )


def test_a_closed_thread_is_closed_whatever_else_is_true():
    every_fact = dict.fromkeys(NOTHING, True)
    assert question_state(**every_fact) == QuestionState.CLOSED


def thread_with(**fields) -> Thread:
    thread = Thread(
        state=fields.pop("state", Thread.State.OPEN),
        first_reply_at=None,
        needs_help_at=None,
        escalated_at=None,
        support_resolved_at=None,
    )
    for name, value in fields.items():
        setattr(thread, name, value)
    return thread


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({}, "new"),
        ({"needs_help_at": AT}, "needs_help"),
        ({"first_reply_at": AT}, "answered"),
        ({"state": Thread.State.SOLVED, "first_reply_at": AT}, "solved"),
        ({"needs_help_at": AT, "escalated_at": AT}, "with_support"),
        ({"needs_help_at": AT, "support_resolved_at": AT}, "resolved_by_support"),
        ({"state": Thread.State.CLOSED, "escalated_at": AT}, "closed"),
    ],
)
def test_a_threads_state_reads_its_columns(fields, expected):
    thread = thread_with(**fields)

    assert state_of(thread) == expected
    assert thread.question_state == expected


@pytest.mark.django_db
def test_states_of_many_threads_cost_one_query(django_assert_num_queries):
    threads = [ThreadFactory() for _ in range(3)]
    Thread.objects.filter(pk=threads[1].pk).update(escalated_at=AT)

    with django_assert_num_queries(1):
        states = states_of_threads({thread.pk for thread in threads} | {10**9})

    assert states == {threads[0].pk: "new", threads[1].pk: "with_support", threads[2].pk: "new"}


@pytest.mark.parametrize("state", list(QuestionState))
def test_every_state_has_its_words_in_both_languages(state):
    with translation.override("en"):
        english = render_to_string("includes/question_state.html", {"state": state})
        english_words = str(state.label)
    with translation.override("zh-hans"):
        chinese = render_to_string("includes/question_state.html", {"state": state})
        chinese_words = str(state.label)

    assert f"state-{state.value}" in english
    assert f"{english_words}</span>" in english
    assert f"{chinese_words}</span>" in chinese
    assert chinese_words != english_words
    assert not any(ch.isascii() and ch.isalpha() for ch in chinese_words)


@pytest.mark.parametrize("state", list(QuestionState))
def test_the_badge_reads_the_same_as_text_and_in_an_email(state):
    as_text = render_to_string("includes/question_state.html", {"state": state, "as_text": True})
    as_email = render_to_string("includes/question_state.html", {"state": state, "as_email": True})

    assert as_text == str(state.label)
    assert f">{state.label}</span>" in as_email
    assert "class=" not in as_email  # no stylesheet reaches an inbox
