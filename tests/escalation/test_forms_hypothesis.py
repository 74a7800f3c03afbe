"""Whatever the asker types as a note, or whatever is typed as a reference, no page fails."""

from datetime import timedelta
from urllib.parse import quote, urlencode

import pytest
import time_machine
from django.conf import settings
from hypothesis import given
from hypothesis import strategies as st

from escalation.forms.asker import AskStaffForm
from escalation.models import Ticket
from tests.escalation.conftest import T0
from tests.forum.conftest import client_for
from tests.forum.test_forms_hypothesis import FUZZ, any_char, huge_text, mixed_text

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
WAITED = T0 + timedelta(hours=3)


@given(note=st.one_of(mixed_text, huge_text), htmx=st.booleans())
@FUZZ
def test_any_note_gives_the_asker_a_ticket_or_a_reason(ask, member, note, htmx):
    thread = ask()  # a fresh question for each example
    form = AskStaffForm({"note": note})

    # Posted urlencoded, as browsers post this form: the size the limit sees is this one
    # (as multipart the same note makes a smaller body, with no percent-encoding).
    body = urlencode({"note": note})
    with time_machine.travel(WAITED, tick=False):
        response = client_for(member).post(
            f"/thread/{thread.pk}/ask-staff/",
            body,
            content_type="application/x-www-form-urlencoded",
            **(HTMX if htmx else {}),
        )

    ticket = Ticket.objects.filter(thread=thread).first()
    if len(body) > settings.DATA_UPLOAD_MAX_MEMORY_SIZE:
        assert response.status_code == 400  # refused before any form sees it
        assert ticket is None
        return
    if "\x00" in note:  # refused at the door: config/nulbytes.py
        assert response.status_code == 400
        assert ticket is None
        return
    assert response.status_code == (200 if htmx else 302)
    if form.is_valid():
        assert ticket.note == form.cleaned_data["note"]
    else:
        assert ticket is None


@given(reference=st.text(any_char, min_size=1, max_size=300))
@FUZZ
def test_any_reference_but_ones_own_is_404(member, reference):
    response = client_for(member).get(f"/my/requests/{quote(reference, safe='')}/")

    assert response.status_code == (400 if "\x00" in reference else 404)
