"""How help follows the forum: right after a question is posted, the first-line bot
looks for answers and, if it finds any, replies (help.services.bot).

The event comes after the forum's transaction commits, so a failing lookup never loses
the question: it is logged and the question simply has no automatic reply. The lookup is
the ask page's own (help.selectors.closest_answers): a handful of indexed queries,
bounded whatever the question's length. `HELP_BOT` (settings) turns the bot off.
"""

import logging

from django.conf import settings
from django.dispatch import receiver

from forum import events
from forum.models import Post, Thread
from help import selectors
from help.services import bot

logger = logging.getLogger(__name__)


@receiver(events.thread_created)
def reply_to_new_question(sender, *, thread_id, **kwargs) -> None:
    if not settings.HELP_BOT:
        return
    thread = Thread.objects.select_related("author").filter(pk=thread_id, is_hidden=False).first()
    if thread is None:
        return
    body = Post.objects.filter(thread_id=thread_id, number=1).values_list("body", flat=True).first()
    text = f"{thread.title}\n{body or ''}"
    language = selectors.question_language(asker=thread.author, text=text)
    suggestions = selectors.bot_suggestions(thread=thread, asker=thread.author, language=language)
    bot.write_reply(thread=thread, suggestions=suggestions, language=language)
