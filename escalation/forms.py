from django import forms
from django.utils.translation import gettext_lazy as _


class AskStaffForm(forms.Form):
    note = forms.CharField(
        label=_("Anything the support team should know"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Never include your recovery phrase or private key."),
    )
