from celery import shared_task

from notifications.services import outbox


@shared_task(acks_late=True, ignore_result=True)
def deliver_email(email_id: int) -> None:
    # A failure is recorded on the row with its backoff; deliver_pending_emails retries it.
    outbox.deliver_email(email_id=email_id)


@shared_task(acks_late=True, ignore_result=True)
def deliver_pending_emails() -> int:
    return outbox.deliver_pending_emails()
