"""Form helpers every app's forms share: invisible characters dropped, secrets refused."""

import unicodedata

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS
from django.forms.utils import ErrorDict
from django.utils.translation import gettext_lazy as _

from safety import guard, services

_INVISIBLE_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn"})


class _VisibleCharacters(dict):
    """A str.translate table that drops invisible characters, filled in as they are met.

    translate looks each character up in C, so 50,000 of them cost about a millisecond,
    where a Python loop over unicodedata took ten; the table keeps at most the 65,536
    characters of the Basic Multilingual Plane (the rest are looked up each time).
    """

    def __missing__(self, codepoint: int) -> int | None:
        ch = chr(codepoint)
        keep = ch in "\n\t" or unicodedata.category(ch) not in _INVISIBLE_CATEGORIES
        mapped = codepoint if keep else None
        if codepoint < 0x10000:
            self[codepoint] = mapped
        return mapped


_VISIBLE = _VisibleCharacters()


def clean_text(value: str) -> str:
    """Drop control, format (zero-width, bidi override) and private-use characters."""
    return value.translate(_VISIBLE)


class RefusesSecrets:
    """Form mixin: no recovery phrase or private key gets past `secret_fields`.

    A field holding one gets an error that says why and what to do now, and its text goes
    back into the page with the secret replaced by "[removed]": the rest of what was
    written is kept, the secret is never shown again. The refusal is counted (kind and
    `secret_where`, no content). A 64-hex string that may be a transaction hash is not
    refused: in `hash_question_fields` (all of `secret_fields` unless the form says
    which) the form asks for the HASH_CONFIRMATION box, shown only then.

    The check reads the raw submitted text (after clean_text, as it would be saved), so
    it also holds for a field that failed its other checks and is shown again.
    """

    HASH_CONFIRMATION = "is_transaction_hash"
    secret_fields: tuple[str, ...] = ()
    hash_question_fields: tuple[str, ...] | None = None
    secret_where: str = ""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.hash_question_fields is None:
            self.hash_question_fields = self.secret_fields
        self.asks_hash_confirmation = False
        if self.hash_question_fields:
            # Two guarded forms can share a page (the staff reply and the note): one id each.
            self._hash_confirmation_id = f"id_{self.secret_where}_{self.HASH_CONFIRMATION}"
            self.fields[self.HASH_CONFIRMATION] = forms.BooleanField(
                label=_("This is a transaction hash, not a private key"),
                required=False,
                widget=forms.HiddenInput(attrs={"id": self._hash_confirmation_id}),
            )

    def clean(self):
        cleaned = super().clean()
        # The box only lets a hash through; it is not part of what the form hands on.
        is_confirmed = cleaned.pop(self.HASH_CONFIRMATION, False)
        refused_kinds = set()
        needs_confirmation = []
        for name in self.secret_fields:
            if name not in self.fields:  # e.g. the title, when editing a reply
                continue
            text = self._submitted_text(name)
            findings = guard.find_secrets(text) if text else []
            refused = guard.refused(findings)
            if refused:
                refused_kinds.update(finding.kind for finding in refused)
                self._show_instead(name, guard.redact(text, refused))
                self.add_error(name, guard.message_for(finding.kind for finding in refused))
            elif name in self.hash_question_fields and len(refused) < len(findings):
                needs_confirmation.append(name)
        if refused_kinds:
            # Counted here, the one place every guarded form passes through, rather than
            # in each of their views; the count holds no content.
            services.record_secret_refusal(kinds=refused_kinds, where=self.secret_where)
        elif needs_confirmation and not is_confirmed:
            self.asks_hash_confirmation = True
            self.fields[self.HASH_CONFIRMATION].widget = forms.CheckboxInput(
                attrs={"id": self._hash_confirmation_id}
            )
            for name in needs_confirmation:
                self.add_error(name, guard.MESSAGES[guard.Kind.BARE_HEX_64])
        return self.cleaned_data

    def keep_unsent(self, reason: str) -> None:
        """Show the form again as it was sent, with `reason` why it was not, checking nothing.

        For a form a rate limit refused before it was read: what was typed goes back into
        the page (a secret in it replaced by "[removed]", as in a refused form), and none of
        the costly checks that the limit is there to spare runs.
        """
        data = self.data.copy()
        for name in self.secret_fields:
            if name not in self.fields:
                continue
            text = self._submitted_text(name)[: self.fields[name].max_length or None]
            refused = guard.refused(guard.find_secrets(text)) if text else []
            data[self.add_prefix(name)] = guard.redact(text, refused) if refused else text
        self.data = data
        # The form's errors, set rather than computed: nothing else is validated.
        self._errors = ErrorDict(
            {NON_FIELD_ERRORS: self.error_class([reason], error_class="nonfield")}
        )
        self.cleaned_data = {}

    def _submitted_text(self, name: str) -> str:
        widget = self.fields[name].widget
        value = widget.value_from_datadict(self.data, self.files, self.add_prefix(name))
        return clean_text(value) if isinstance(value, str) else ""

    def _show_instead(self, name: str, text: str) -> None:
        """Re-render the field with `text` rather than what was submitted."""
        self.data = self.data.copy()  # never the request's QueryDict, nor a caller's dict
        self.data[self.add_prefix(name)] = text
