"""The preferences page: kinds × channels, the helper opt-in, quiet hours; bad input changes nothing."""

from datetime import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from notifications.forms import PreferencesForm
from notifications.models import Channels, Notification, NotificationSettings
from notifications.services.preferences import update_settings
from tests.factories import UserFactory
from tests.notifications.conftest import Kind, choose

PREFERENCES_URL = "/settings/notifications/"
HTMX = {"HX-Request": "true"}


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_visitor_is_sent_to_sign_in(client, db, method):
    response = getattr(client, method)(PREFERENCES_URL)

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


def test_the_preferences_page_shows_the_defaults(member_client):
    response = member_client.get(PREFERENCES_URL)

    assert response.status_code == 200
    form = response.context["form"]
    assert form["reply-email"].initial is True
    assert form["helper_needs_help-in_app"].initial is True
    assert form["helper_needs_help-email"].initial is False
    assert 'aria-label="Replies on threads I follow: by email"' in response.text


def _preferences(**changes) -> dict:
    """The form as a browser posts it: every default box ticked, then the changes."""
    data = {f"{kind}-in_app": "on" for kind in Kind}
    data |= {f"{kind}-email": "on" for kind in Kind if kind != Kind.HELPER_NEEDS_HELP}
    data |= {"quiet_hours_start": "", "quiet_hours_end": ""}
    for name, value in changes.items():
        if value is None:
            data.pop(name, None)
        else:
            data[name] = value
    return data


def test_saving_preferences(member, member_client):
    response = member_client.post(
        PREFERENCES_URL,
        _preferences(
            **{"reply-email": None, "helper_needs_help-email": "on"},
            is_helper="on",
            quiet_hours_start="22:00",
            quiet_hours_end="07:00",
        ),
        follow=True,
    )

    assert response.redirect_chain == [(PREFERENCES_URL, 302)]
    assert "Your notification settings are saved." in response.text
    row = NotificationSettings.objects.get(user=member)
    assert row.channels == {"reply": {"email": False}, "helper_needs_help": {"email": True}}
    assert row.is_helper
    assert (row.quiet_hours_start, row.quiet_hours_end) == (time(22), time(7))


def test_saving_preferences_with_htmx_returns_the_form(member, member_client):
    response = member_client.post(PREFERENCES_URL, _preferences(is_helper="on"), headers=HTMX)

    assert response.status_code == 200
    assert 'id="preferences-form"' in response.text
    assert "Your notification settings are saved." in response.text
    assert "<html" not in response.text
    assert NotificationSettings.objects.get(user=member).is_helper


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        ({"quiet_hours_start": "22:00"}, "Say when your quiet hours end."),
        ({"quiet_hours_end": "07:00"}, "Say when your quiet hours start."),
        (
            {"quiet_hours_start": "07:00", "quiet_hours_end": "07:00"},
            "Quiet hours cannot start and end at the same time.",
        ),
        ({"quiet_hours_start": "25:99", "quiet_hours_end": "07:00"}, "Enter a valid time."),
    ],
)
@pytest.mark.parametrize("headers", [{}, HTMX])
def test_bad_preferences_change_nothing(member, member_client, changes, error, headers):
    choose(member, is_helper=False)
    before = list(NotificationSettings.objects.values())

    response = member_client.post(
        PREFERENCES_URL,
        _preferences(**{"reply-email": None}, is_helper="on", **changes),
        headers=headers,
    )

    assert response.status_code == 200
    assert error in response.text
    assert "Nothing was changed." in response.text
    assert list(NotificationSettings.objects.values()) == before


def test_preferences_shown_are_the_saved_ones(member, member_client):
    choose(member, is_helper=True, quiet_hours=(time(23, 30), time(6)))

    response = member_client.get(PREFERENCES_URL)

    assert "Quiet hours are in your time zone, UTC." in response.text
    assert 'value="23:30"' in response.text
    assert 'value="06:00"' in response.text
    assert response.context["form"]["is_helper"].initial is True


@settings(max_examples=60, deadline=None)
@given(
    start=st.one_of(
        st.just(""), st.text(max_size=8), st.times().map(lambda t: t.strftime("%H:%M"))
    ),
    end=st.one_of(st.just(""), st.text(max_size=8), st.times().map(lambda t: t.strftime("%H:%M"))),
)
def test_the_quiet_hours_form_accepts_only_both_ends_that_differ(start, end):
    form = PreferencesForm(
        data=_preferences(quiet_hours_start=start, quiet_hours_end=end), current=None
    )

    if form.is_valid():
        data = form.cleaned_data
        assert (data["quiet_hours_start"] is None) == (data["quiet_hours_end"] is None)
        assert (
            data["quiet_hours_start"] is None
            or data["quiet_hours_start"] != data["quiet_hours_end"]
        )
    else:
        assert set(form.errors) <= {"quiet_hours_start", "quiet_hours_end"}


def test_a_helper_can_be_found_by_the_hook_other_apps_use(db):
    from accounts.models import User
    from notifications.selectors import helpers_among

    helper, bystander = UserFactory(), UserFactory()
    choose(helper, is_helper=True)
    choose(bystander, is_helper=False)

    assert list(helpers_among(User.objects.all())) == [helper]


# --- Kinds for the support team only -------------------------------------------------

STAFF_LABELS = [Kind(kind).label for kind in Notification.STAFF_KINDS]


def test_a_member_is_not_offered_the_support_teams_kinds(member_client):
    response = member_client.get(PREFERENCES_URL)

    for label in STAFF_LABELS:
        assert str(label) not in response.text
    assert 'name="ticket_assigned-email"' not in response.text
    assert "The support team answered my question" in response.text  # an asker's kind


def test_an_agent_is_offered_the_support_teams_kinds(agent_client):
    response = agent_client.get(PREFERENCES_URL)

    for label in STAFF_LABELS:
        assert str(label) in response.text
    assert 'name="first_response_breached-email"' in response.text


def test_saving_as_a_member_leaves_the_support_teams_kinds_alone(member, member_client):
    update_settings(
        user=member,
        channels={Kind.TICKET_ASSIGNED: Channels(in_app=True, email=False)},
        is_helper=False,
        quiet_hours_start=None,
        quiet_hours_end=None,
    )
    data = _preferences(**{"reply-email": None})
    for kind in Notification.STAFF_KINDS:  # a forged form cannot touch them
        data.pop(f"{kind}-in_app"), data.pop(f"{kind}-email")
    data["resolution_breached-in_app"] = ""

    member_client.post(PREFERENCES_URL, data)

    assert NotificationSettings.objects.get(user=member).channels == {
        "reply": {"email": False},
        "ticket_assigned": {"email": False},
    }


def test_an_agent_can_turn_off_breach_emails(agent, agent_client):
    agent_client.post(PREFERENCES_URL, _preferences(**{"first_response_breached-email": None}))

    assert NotificationSettings.objects.get(user=agent).channels == {
        "first_response_breached": {"email": False}
    }
