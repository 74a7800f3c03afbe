"""The canned replies' form: a title, the language it is written in, and its text."""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from escalation.models import CannedReply
from safety.forms import clean_text

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
