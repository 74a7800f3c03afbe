"""The forms of a ticket's page: what an agent may send, and the messages they see.

Each form checks the shape of the input (a known status, an agent, a note of sensible
length); whether the move is allowed for the ticket as it is now is the services'
call (escalation.services), so a stale page gets the service's message, not a form's.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from escalation.models import Priority, Queue, Ticket
from escalation.selectors.agents import agents
from escalation.services.lifecycle import RESOLUTION_NOTE_MAX_CHARS
from escalation.services.replies import NOTE_MAX_CHARS
from forum.forms import BodyField
from safety.forms import RefusesSecrets, clean_text
from safety.models import SecretRefusal


class AssignForm(forms.Form):
    """Give the ticket to an agent; an empty choice takes it back (unassigned)."""

    assignee = forms.ModelChoiceField(
        label=_("Assignee"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("Unassigned"),
        error_messages={
            "invalid_choice": _("Tickets can only be assigned to the support team."),
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = agents()

    def clean(self):
        cleaned = super().clean()
        # A missing field is a broken request, not a wish to unassign.
        if self.is_bound and "assignee" not in self.data:
            raise ValidationError(_("Choose an agent, or “Unassigned”."))
        return cleaned


class StatusForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        choices=Ticket.Status.choices,
        error_messages={
            "required": _("Choose a status from the list."),
            "invalid_choice": _("Choose a status from the list."),
        },
    )


class PriorityForm(forms.Form):
    priority = forms.TypedChoiceField(
        label=_("Priority"),
        choices=Priority.choices,
        coerce=int,
        error_messages={
            "required": _("Choose a priority from the list."),
            "invalid_choice": _("Choose a priority from the list."),
        },
    )


class QueueForm(forms.Form):
    queue = forms.ModelChoiceField(
        label=_("Queue"),
        queryset=Queue.objects.all(),
        required=False,
        empty_label=_("No queue"),
        error_messages={"invalid_choice": _("Choose a queue from the list.")},
    )

    def clean(self):
        cleaned = super().clean()
        if self.is_bound and "queue" not in self.data:
            raise ValidationError(_("Choose a queue, or “No queue”."))
        return cleaned


class StaffReplyForm(RefusesSecrets, forms.Form):
    """A public answer in the thread: the forum's rules for a reply's body apply."""

    secret_fields = ("body",)
    secret_where = SecretRefusal.Where.STAFF_REPLY

    body = BodyField(
        label=_("Public reply"),
        help_text=_(
            "Posted in the thread with the “Support team” badge, for everyone to read. "
            "Markdown works. Never ask for a recovery phrase or private key."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["body"].widget.attrs.update({"rows": 8, "id": "reply-body"})


class NoteForm(RefusesSecrets, forms.Form):
    secret_fields = ("body",)
    secret_where = SecretRefusal.Where.NOTE

    body = forms.CharField(
        label=_("What the team should know"),
        max_length=NOTE_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Only the support team sees this. Markdown works."),
        error_messages={
            "required": _("Write the note first."),
            "max_length": _("Keep the note under 20,000 characters."),
        },
    )

    def clean_body(self):
        body = clean_text(self.cleaned_data["body"]).strip()
        if not body:
            raise ValidationError(_("Write the note first."))
        return body


class ResolveForm(RefusesSecrets, forms.Form):
    secret_fields = ("note",)
    hash_question_fields = ()  # the team's records: keys refused, hashes let be
    secret_where = SecretRefusal.Where.RESOLUTION

    note = forms.CharField(
        label=_("Resolution note"),
        max_length=RESOLUTION_NOTE_MAX_CHARS,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What fixed it, for the team's records."),
        error_messages={"max_length": _("Keep the resolution note under 2,000 characters.")},
    )

    def clean_note(self):
        return clean_text(self.cleaned_data["note"]).strip()
