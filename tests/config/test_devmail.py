"""Mail on a developer's machine: a few lines per email, the whole of it in var/mail/."""

from email import message_from_bytes
from io import StringIO

from django.core.mail import EmailMultiAlternatives

from config.devmail import SummaryEmailBackend
from tests.conftest import settings_from_environment

VERIFY = "http://127.0.0.1:8000/accounts/confirm-email/MQ:1tX:abc/"


def verification_mail() -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject="[Handoff] Please confirm your email address",
        body=f"Hello from Handoff!\n\nTo confirm this is correct, go to {VERIFY}\n",
        from_email="Handoff <noreply@localhost>",
        to=["new@example.com"],
    )
    message.attach_alternative(
        "<html><body>" + "<p>layout</p>\n" * 200 + f'<a href="{VERIFY}">Confirm</a></body></html>',
        "text/html",
    )
    return message


def test_each_email_prints_as_its_recipient_subject_and_links(tmp_path):
    out = StringIO()

    sent = SummaryEmailBackend(stream=out, directory=tmp_path).send_messages([verification_mail()])

    lines = out.getvalue().splitlines()
    assert sent == 1
    assert lines[0] == "✉ Email to new@example.com: [Handoff] Please confirm your email address"
    assert lines[1] == f"    {VERIFY}"
    assert lines[2].startswith(f"    (the whole message: {tmp_path}/")
    assert len(lines) == 3
    assert "<html" not in out.getvalue()


def test_the_whole_message_is_kept_as_an_eml_file(tmp_path):
    SummaryEmailBackend(stream=StringIO(), directory=tmp_path).send_messages([verification_mail()])

    (saved,) = tmp_path.glob("*.eml")
    parsed = message_from_bytes(saved.read_bytes())
    assert parsed["To"] == "new@example.com"
    assert [part.get_content_type() for part in parsed.walk()][1:] == ["text/plain", "text/html"]


def test_links_come_from_the_html_when_the_text_has_none(tmp_path):
    message = EmailMultiAlternatives(subject="Hi", body="No links here.", to=["a@example.com"])
    message.attach_alternative('<a href="https://example.com/x">x</a>', "text/html")
    out = StringIO()

    SummaryEmailBackend(stream=out, directory=tmp_path).send_messages([message])

    assert "    https://example.com/x\n" in out.getvalue()


def test_debug_without_email_url_uses_the_summary_backend():
    assert (
        settings_from_environment(DJANGO_DEBUG="1", EMAIL_URL="")["EMAIL_BACKEND"]
        == "config.devmail.SummaryEmailBackend"
    )


def test_email_url_still_chooses_the_backend_in_debug():
    configured = settings_from_environment(DJANGO_DEBUG="1", EMAIL_URL="console://")
    assert configured["EMAIL_BACKEND"] == "django.core.mail.backends.console.EmailBackend"
