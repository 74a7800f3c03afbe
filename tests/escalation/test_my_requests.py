"""/my/requests/<ref>/: the asker follows their ticket."""

import pytest

from escalation import services
from escalation.models import Ticket
from tests.escalation.conftest import T0, committed

pytestmark = pytest.mark.django_db


def test_the_history_names_each_status_in_words(ask, member, moderator, agent, client):
    ticket = committed(services.escalate_thread, actor=moderator, thread=ask(), now=T0)
    services.assign_ticket(actor=agent, ticket=ticket, assignee=agent)
    services.set_ticket_status(actor=agent, ticket=ticket, status=Ticket.Status.WAITING)
    client.force_login(member)

    page = client.get(ticket.get_absolute_url()).content.decode()

    assert "Status changed: Waiting on the asker" in page
