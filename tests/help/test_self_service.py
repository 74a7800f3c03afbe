"""Similar questions while asking, deflection counts, related questions, an article's
"Did this answer your question?" and views, and bad input."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from forum.models import Thread
from forum.services import answers as forum_answers
from forum.services import moderation as forum_moderation
from forum.services import posting as forum_posting
from help import selectors
from help.models import Article, DeflectionDay, PendingDeflection
from help.services import deflections, feedback
from tests.factories import PostFactory, ThreadFactory, UserFactory
from tests.forum.conftest import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()  # rate limits and related questions from another test
    yield
    cache.clear()


# --- Similar questions while asking ---------------------------------------------------


def test_the_fragment_lists_the_article_then_the_solved_thread_with_its_answer(
    member, article, solved_thread
):
    response = client_for(member).get(
        "/help/similar/", {"title": "USDT transfer pending"}, HTTP_HX_REQUEST="true"
    )

    html = response.content.decode()
    answers = response.context["answers"]
    assert response.status_code == 200
    assert [a.kind for a in answers][:2] == ["article", "thread"]
    assert answers[1].thread == solved_thread
    assert "Check the hash on tronscan" in html  # the accepted answer's first lines
    assert f"/help/open/a/{article.pk}/" in html
    assert f"/help/open/t/{solved_thread.pk}/" in html


def test_solved_threads_come_before_unsolved_ones(member, other_member, category, solved_thread):
    unsolved = ThreadFactory(
        author=other_member,
        category=category,
        title="USDT transfer stuck pending on TRON again",
        body="Same again.",
    )

    answers = selectors.closest_answers("USDT transfer stuck pending", user=member, language="en")

    assert [a.thread for a in answers] == [solved_thread, unsolved]


def test_at_most_five_suggestions(member, category):
    for n in range(8):
        ThreadFactory(category=category, title=f"Swap fails on BSC number {n}", body="It fails.")

    assert len(selectors.closest_answers("swap fails BSC", user=member, language="en")) == 5


def test_the_last_word_may_be_unfinished(member, solved_thread):
    answers = selectors.closest_answers("USDT transf", user=member, language="en")

    assert answers[0].thread == solved_thread


def test_hidden_threads_are_not_suggested_to_members(member, moderator, solved_thread):
    forum_moderation.set_thread_hidden(actor=moderator, thread=solved_thread, is_hidden=True)

    assert selectors.closest_answers("USDT pending TRON", user=member, language="en") == []


def test_the_ask_page_wires_the_typing_to_the_fragment(member):
    html = client_for(member).get("/ask/").content.decode()

    assert 'hx-get="/help/similar/"' in html
    assert "input changed delay:400ms from:#id_title" in html
    assert 'name="check_similar"' in html


def test_without_javascript_the_button_shows_suggestions_and_keeps_the_text(
    member, solved_thread, category
):
    response = client_for(member).post(
        "/ask/",
        {
            "title": "USDT transfer pending",
            "body": "Sent from my wallet an hour ago",
            "category": category.pk,
            "check_similar": "1",
        },
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert f"/help/open/t/{solved_thread.pk}/" in html
    assert 'value="USDT transfer pending"' in html
    assert "Sent from my wallet an hour ago" in html
    assert "This field is required" not in html
    assert not solved_thread.__class__.objects.exclude(pk=solved_thread.pk).exists()


def test_nothing_typed_shows_nothing(member):
    response = client_for(member).get("/help/similar/", {"title": "   "})

    assert response.status_code == 200
    assert response.content.decode().strip() == ""


def test_the_lookups_are_rate_limited(member, settings, solved_thread):
    settings.SIMILAR_RATE = "2/m"
    client = client_for(member)

    for _ in range(2):
        assert "answers" in client.get("/help/similar/", {"title": "USDT"}).context
    limited = client.get("/help/similar/", {"title": "USDT"})

    assert limited.status_code == 200
    assert "many times" in limited.content.decode()


def test_a_visitor_is_sent_to_sign_in(client):
    assert client.get("/help/similar/", {"title": "USDT"}).status_code == 302


@pytest.mark.parametrize(
    "typed",
    [
        "x" * 10_000,
        '"unbalanced ( NEAR OR * : -',
        "'; DROP TABLE forum_thread; --",
        "🙂🙂 转账 ✓",
        "\u202etxen\u200b",
        "",
    ],
)
def test_bad_input_never_fails(member, solved_thread, typed):
    client = client_for(member)

    assert client.get("/help/similar/", {"title": typed, "body": typed}).status_code == 200
    assert client.post("/ask/", {"title": typed, "check_similar": "1"}).status_code == 200
    assert client.get("/search/", {"q": typed}).status_code == 200


def test_a_nul_byte_is_refused_before_any_view(member):
    client = client_for(member)

    assert client.get("/help/similar/", {"title": "USDT\x00"}).status_code == 400
    assert client.post("/help/a/1/feedback/", {"answer": "yes\x00"}).status_code == 400


# --- Deflection ------------------------------------------------------------------------


def test_opening_a_suggestion_records_a_pending_deflection_and_goes_there(member, solved_thread):
    response = client_for(member).get(f"/help/open/t/{solved_thread.pk}/")

    assert response.status_code == 302
    assert response["Location"] == solved_thread.get_absolute_url()
    assert PendingDeflection.objects.filter(user=member).exists()
    assert DeflectionDay.objects.get().opened == 1


def test_leaving_without_asking_counts_a_deflection_after_the_window(member, solved_thread):
    opened_at = timezone.now()
    deflections.record_suggestion_open(actor=member, now=opened_at)

    assert deflections.fold_deflections(now=opened_at + timedelta(minutes=10)) == (0, 0)
    assert deflections.fold_deflections(now=opened_at + timedelta(minutes=31)) == (1, 0)

    day = DeflectionDay.objects.get()
    assert (day.opened, day.deflected, day.asked_anyway) == (1, 1, 0)
    assert not PendingDeflection.objects.exists()


def test_asking_after_opening_a_suggestion_is_not_a_deflection(member, category, solved_thread):
    opened_at = timezone.now() - timedelta(minutes=40)
    deflections.record_suggestion_open(actor=member, now=opened_at)
    ThreadFactory(author=member, category=category, title="My own question after all")

    assert deflections.fold_deflections() == (0, 1)
    assert DeflectionDay.objects.get().asked_anyway == 1


def test_opening_several_suggestions_is_one_question_not_asked(member, solved_thread, article):
    client = client_for(member)
    client.get(f"/help/open/t/{solved_thread.pk}/")
    client.get(f"/help/open/a/{article.pk}/")

    deflections.fold_deflections(now=timezone.now() + timedelta(hours=1))

    day = DeflectionDay.objects.get()
    assert (day.opened, day.deflected) == (1, 1)


def test_a_fold_while_the_member_keeps_reading_waits(member):
    started = timezone.now()
    deflections.record_suggestion_open(actor=member, now=started)
    deflections.record_suggestion_open(actor=member, now=started + timedelta(minutes=25))

    assert deflections.fold_deflections(now=started + timedelta(minutes=35)) == (0, 0)
    assert deflections.fold_deflections(now=started + timedelta(minutes=56)) == (1, 0)


def test_the_bot_records_a_deflection_at_once(member):
    deflections.record_deflection(actor=member)

    assert DeflectionDay.objects.get(source="bot").deflected == 1


def test_opening_a_hidden_thread_is_a_404_and_counts_nothing(member, moderator, solved_thread):
    forum_moderation.set_thread_hidden(actor=moderator, thread=solved_thread, is_hidden=True)

    assert client_for(member).get(f"/help/open/t/{solved_thread.pk}/").status_code == 404
    assert client_for(member).get("/help/open/x/1/").status_code == 404
    assert not DeflectionDay.objects.exists()


# --- Under a thread --------------------------------------------------------------------


def test_a_thread_shows_related_questions_without_itself(
    member, other_member, category, solved_thread
):
    other = ThreadFactory(
        author=other_member,
        category=category,
        title="USDT on TRON pending for a day",
        body="Pending.",
    )
    page = client_for(member).get(solved_thread.get_absolute_url()).content.decode()

    footer = page[page.index("help-thread-footer") :]
    assert "Related questions" in footer
    assert other.get_absolute_url() in footer
    assert solved_thread.get_absolute_url() not in footer


def test_related_questions_are_cached_and_a_hidden_one_drops_out(
    member, moderator, other_member, category, solved_thread, django_assert_num_queries
):
    other = ThreadFactory(
        author=other_member, category=category, title="USDT on TRON pending again"
    )
    assert selectors.related_questions(thread=solved_thread) == [other]

    forum_moderation.set_thread_hidden(actor=moderator, thread=other, is_hidden=True)
    with django_assert_num_queries(1):  # the ids from the cache, the threads read again
        assert selectors.related_questions(thread=solved_thread) == []


def test_a_members_thread_page_reads_the_footer_with_the_thread_and_follows_it(
    member, moderator, other_member, category, solved_thread, django_assert_num_queries
):
    """Once the related ids are kept, a member's thread page reads the footer's rows in
    its own statement (forum.extensions.PageRead): a related thread hidden since drops
    out on the next view, and the thread retitled finds its related threads again."""
    pending = ThreadFactory(author=other_member, category=category, title="USDT on TRON pending")
    swap = ThreadFactory(author=other_member, category=category, title="Swap on Uniswap failed")
    reader = client_for(UserFactory())  # not the asker: the asker's sidebar reads more
    url = solved_thread.get_absolute_url()

    def footer() -> str:
        page = reader.get(url).content.decode()
        start = page.index("help-thread-footer") if "help-thread-footer" in page else len(page)
        return page[start : page.find("</section>", start)]

    assert pending.get_absolute_url() in footer()
    with django_assert_num_queries(2):  # the session's user; the thread, posts and footer
        assert pending.get_absolute_url() in footer()

    forum_moderation.set_thread_hidden(actor=moderator, thread=pending, is_hidden=True)
    with django_assert_num_queries(2):
        assert pending.get_absolute_url() not in footer()

    question = solved_thread.posts.get(number=1)
    forum_posting.edit_post(
        actor=member, post=question, body=question.body, title="Swap on Uniswap failed again"
    )
    url = Thread.objects.get(pk=solved_thread.pk).get_absolute_url()
    assert swap.get_absolute_url() in footer()


def test_the_thread_footer_follows_its_rows_with_warm_caches(
    member, agent, other_member, category, solved_thread
):
    """The footer's HTML is kept (config/caching.cached_render) under the values its one
    query reads on every view: a related thread solved or retitled since, or the thread's
    article retired since, shows on the next view."""
    from help.services import articles
    from tests.help.conftest import write_article

    other = ThreadFactory(author=other_member, category=category, title="USDT on TRON pending")
    reader = client_for(member)

    def footer() -> str:
        page = reader.get(solved_thread.get_absolute_url()).content.decode()
        start = page.index("help-thread-footer")
        return page[start : page.index("</section>", start)]

    assert other.get_absolute_url() in footer()
    assert "Solved" not in footer()

    answer = PostFactory(thread=other, author=member, body="Wait for the block.")
    forum_answers.accept_answer(actor=other_member, post=answer)
    assert "✓ Solved" in footer()

    question = other.posts.get(number=1)
    forum_posting.edit_post(
        actor=other_member, post=question, body=question.body, title="USDT on TRON stuck"
    )
    assert "USDT on TRON stuck" in footer()

    article = write_article(agent, category, source_thread=solved_thread)
    assert article.get_absolute_url() in footer()
    articles.retire_article(actor=agent, article=article)
    assert article.get_absolute_url() not in footer()


def test_related_questions_show_one_thread_per_title_a_solved_one_first(
    member, category, solved_thread
):
    repeats = [
        ThreadFactory(author=UserFactory(), category=category, title="USDT on TRON  pending")
        for _ in range(3)
    ]
    ThreadFactory(author=UserFactory(), category=category, title="usdt on tron pending")
    answer = PostFactory(thread=repeats[1], author=member, body="Wait for the block.")
    forum_answers.accept_answer(actor=repeats[1].author, post=answer)

    related = selectors.related_questions(thread=solved_thread)

    assert [thread.pk for thread in related] == [repeats[1].pk]


def test_a_thread_shows_its_help_article_for_no_more_queries(member, agent, solved_thread):
    """The article comes with the footer's one query, rendered from what it read, warm
    or cold (its question only: reading the rest would cost a query a view)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.help.conftest import write_article

    reader = client_for(member)

    def page() -> tuple[str, int]:
        with CaptureQueriesContext(connection) as captured:
            html = reader.get(solved_thread.get_absolute_url()).content.decode()
        return html, len(captured.captured_queries)

    page()
    cache.clear()
    _, cold_without = page()
    _, warm_without = page()
    article = write_article(
        agent,
        solved_thread.category,
        source_thread=solved_thread,
        question_zh="为什么转账待定？",
        answer_zh="转账要等网络确认。",
    )
    cache.clear()
    html, cold_with = page()
    _, warm_with = page()

    assert article.get_absolute_url() in html
    assert "Why is my transfer pending?" in html
    assert (cold_with, warm_with) == (cold_without, warm_without)


# --- "Did this answer your question?" and views ------------------------------------


def test_yes_and_no_are_counted(client, article):
    client.post(f"/help/a/{article.pk}/feedback/", {"answer": "yes"})
    client_for(None).post(
        f"/help/a/{article.pk}/feedback/", {"answer": "no"}, HTTP_HX_REQUEST="true"
    )

    article.refresh_from_db()
    assert (article.helpful_yes, article.helpful_no) == (1, 1)


def test_the_htmx_answer_thanks_in_place(client, article):
    response = client.post(
        f"/help/a/{article.pk}/feedback/", {"answer": "yes"}, HTTP_HX_REQUEST="true"
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="feedback"' in html
    assert "Thank you" in html
    assert "<html" not in html


def test_an_answer_that_is_neither_counts_nothing(client, article):
    response = client.post(f"/help/a/{article.pk}/feedback/", {"answer": "maybe"})

    article.refresh_from_db()
    assert response.status_code == 302
    assert (article.helpful_yes, article.helpful_no) == (0, 0)


def test_answers_are_rate_limited(client, article, settings):
    settings.FEEDBACK_RATE = "2/h"
    for _ in range(2):
        client.post(f"/help/a/{article.pk}/feedback/", {"answer": "yes"})

    limited = client.post(f"/help/a/{article.pk}/feedback/", {"answer": "yes"})

    article.refresh_from_db()
    assert limited.status_code == 429
    assert "Retry-After" in limited
    assert article.helpful_yes == 2


def test_views_are_counted_in_the_cache_and_folded_into_the_row(client, article):
    client.get(article.get_absolute_url())
    page = client.get(article.get_absolute_url())

    assert page.context["article"].view_count == 2
    assert Article.objects.get(pk=article.pk).view_count == 0
    assert feedback.fold_views() == 1
    assert Article.objects.get(pk=article.pk).view_count == 2


def test_a_wrong_slug_redirects_and_a_missing_article_is_a_404(client, article):
    assert client.get(f"/help/a/{article.pk}-wrong/").status_code == 301
    assert client.get("/help/a/999999-x/").status_code == 404
    assert client.get("/help/no-such-category/").status_code == 404


@given(typed=st.text(max_size=400))
@hypothesis_settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
def test_any_text_gives_suggestions_or_none(member, article, solved_thread, typed):
    """What a bot or a future caller passes straight in, NUL and lone surrogates included:
    a list, never a database error."""
    answers = selectors.closest_answers(typed, user=member, language="zh-hans")

    assert len(answers) <= 5


def test_the_admin_shows_the_deflection_counts_read_only(admin_user, member):
    deflections.record_deflection(actor=member)
    client = client_for(admin_user)

    page = client.get("/admin/help/deflectionday/")

    assert page.status_code == 200
    assert client.get("/admin/help/deflectionday/add/").status_code == 403
