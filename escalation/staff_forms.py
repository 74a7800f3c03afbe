"""The staff workspace's forms: what an agent may send, and the messages they see.

Each form checks the shape of the input (a known status, an agent, a note of sensible
length); whether the move is allowed for the ticket as it is now is the workflow's
call (escalation.workflow), so a stale page gets the workflow's message, not a form's.
"""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts import roles
from accounts.models import User
from escalation import workflow
from escalation.models import CannedReply, Priority, Queue, Ticket
from forum.forms import BodyField
from safety.forms import RefusesSecrets, clean_text
from safety.models import SecretRefusal


def agents():
    """Everyone who may hold a ticket: active staff in the Agents group, and superusers."""
    return User.objects.filter(roles.agents_q()).distinct()


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
        max_length=workflow.NOTE_MAX_CHARS,
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
        max_length=workflow.RESOLUTION_NOTE_MAX_CHARS,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What fixed it, for the team's records."),
        error_messages={"max_length": _("Keep the resolution note under 2,000 characters.")},
    )

    def clean_note(self):
        return clean_text(self.cleaned_data["note"]).strip()


_PLACEHOLDER_LIKE = re.compile(r"\{([A-Za-z_]+)\}")


class CannedReplyForm(forms.ModelForm):
    class Meta:
        model = CannedReply
        fields = ["title", "language", "body", "is_active"]
        widgets = {"body": forms.Textarea(attrs={"rows": 10})}
        error_messages = {
            "title": {"unique": _("Another canned reply already has this title.")},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A form sent without it (an older page, a script) keeps the reply's language.
        self.fields["language"].required = False

    def clean_language(self):
        return self.cleaned_data["language"] or self.instance.language

    def clean_title(self):
        title = " ".join(clean_text(self.cleaned_data["title"]).split())
        if not title:
            raise ValidationError(_("Give the reply a title."))
        return title

    def clean_body(self):
        body = clean_text(self.cleaned_data["body"]).strip()
        if not body:
            raise ValidationError(_("Write the reply's text."))
        unknown = sorted(set(_PLACEHOLDER_LIKE.findall(body)) - set(CannedReply.PLACEHOLDERS))
        if unknown:
            raise ValidationError(
                _("Unknown placeholder %(names)s: use {asker_name}, {reference} or {thread_link}."),
                params={"names": ", ".join(f"{{{name}}}" for name in unknown)},
            )
        return body


class QueuesField(forms.ModelMultipleChoiceField):
    """Queues by id; what cannot be an id is refused before the database sees it
    (SQLite raises on an integer past 64 bits instead of finding nothing)."""

    def _check_values(self, value):
        for pk in value:
            text = str(pk)
            if not (text.isascii() and text.isdigit() and int(text) < 2**63):
                raise ValidationError(
                    self.error_messages["invalid_pk_value"], code="invalid_pk_value"
                )
        return super()._check_values(value)


class DutyForm(forms.Form):
    """On duty or off duty; and, from the duty page, the queues the agent works."""

    on_duty = forms.TypedChoiceField(
        choices=[("1", _("On duty")), ("0", _("Off duty"))],
        coerce=lambda value: value == "1",
        required=False,
        empty_value=None,
        error_messages={"invalid_choice": _("Choose on duty or off duty.")},
    )
    # The page's queue checkboxes send this too, so that none ticked means "every queue"
    # rather than "leave my queues as they are" (the nav's toggle sends no queues).
    set_queues = forms.BooleanField(required=False, widget=forms.HiddenInput)
    queues = QueuesField(
        label=_("Queues I work"),
        queryset=Queue.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None chosen: every queue."),
        error_messages={
            "invalid_choice": _("Choose queues from the list."),
            "invalid_pk_value": _("Choose queues from the list."),
        },
    )
    next = forms.CharField(required=False, max_length=2000)
