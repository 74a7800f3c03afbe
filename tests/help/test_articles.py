"""The knowledge base: who may write it, its order, its languages, retirement, search."""

import pytest
from django.contrib.auth.models import AnonymousUser

from forum import search
from help import selectors
from help.errors import InvalidArticle, NotAllowed
from help.models import Article
from help.services import articles
from tests.factories import CategoryFactory
from tests.forum.conftest import client_for
from tests.help.conftest import write_article

pytestmark = pytest.mark.django_db
VISITOR = AnonymousUser()


# --- Who may write ---------------------------------------------------------------------


def test_a_member_cannot_create_an_article(member, category):
    with pytest.raises(NotAllowed):
        write_article(member, category)


def test_an_agent_without_a_second_factor_cannot_create_an_article(agent_without_mfa, category):
    with pytest.raises(NotAllowed):
        write_article(agent_without_mfa, category)


def test_a_moderator_can_create_an_article(moderator, category):
    article = write_article(moderator, category)

    assert article.created_by == moderator
    assert Article.objects.count() == 1


def test_the_new_article_page_is_a_404_for_a_member(member):
    response = client_for(member).get("/help/new/")

    assert response.status_code == 404


def test_the_new_article_page_sends_an_agent_without_a_second_factor_to_confirm_it(
    agent_without_mfa,
):
    response = client_for(agent_without_mfa, second_factor=False).get("/help/new/")

    assert response.status_code == 302
    assert "/accounts/2fa/" in response["Location"]


def test_a_member_posting_an_article_creates_nothing(member, category):
    response = client_for(member).post(
        "/help/new/",
        {"category": category.pk, "question_en": "Q?", "answer_en": "A."},
    )

    assert response.status_code == 404
    assert not Article.objects.exists()


def test_a_moderator_turns_a_solved_thread_into_an_article(moderator, solved_thread):
    client = client_for(moderator)

    page = client.get(f"/help/new/?thread={solved_thread.pk}")
    assert page.status_code == 200
    prefilled = page.context["form"].initial
    assert prefilled["question_en"] == solved_thread.title
    assert "tronscan" in prefilled["answer_en"]
    response = client.post(
        f"/help/new/?thread={solved_thread.pk}",
        {
            "category": solved_thread.category_id,
            "question_en": solved_thread.title,
            "answer_en": prefilled["answer_en"],
            "steps_en": "Copy the hash\nOpen tronscan",
        },
    )

    article = Article.objects.get()
    assert response.status_code == 302
    assert article.source_thread == solved_thread
    assert article.text_in("en").steps == ["Copy the hash", "Open tronscan"]


def test_the_thread_page_offers_staff_to_turn_it_into_an_article(moderator, member, solved_thread):
    staff_page = client_for(moderator).get(solved_thread.get_absolute_url())
    member_page = client_for(member).get(solved_thread.get_absolute_url())

    assert f"/help/new/?thread={solved_thread.pk}" in staff_page.content.decode()
    assert "/help/new/" not in member_page.content.decode()


def test_an_article_needs_a_whole_question_and_answer_in_a_language(agent, category):
    with pytest.raises(InvalidArticle):
        articles.create_article(actor=agent, category=category, question_en="Only a question?")
    with pytest.raises(InvalidArticle):
        articles.create_article(actor=agent, category=category)


def test_the_form_refuses_a_recovery_phrase(agent, category):
    phrase = "abandon ability able about above absent absorb abstract absurd abuse access accident"
    response = client_for(agent).post(
        "/help/new/",
        {"category": category.pk, "question_en": "Restore?", "answer_en": phrase},
    )

    assert response.status_code == 200
    assert response.context["form"].errors["answer_en"]
    assert not Article.objects.exists()


# --- Order -----------------------------------------------------------------------------


def test_articles_come_in_their_order_within_each_category(agent, category):
    first = write_article(agent, category, question_en="First?")
    second = write_article(agent, category, question_en="Second?")
    third = write_article(agent, category, question_en="Third?")

    articles.move_article(actor=agent, article=third, direction="up")

    assert [a.pk for a in selectors.category_articles(user=VISITOR, category=category)] == [
        first.pk,
        third.pk,
        second.pk,
    ]


def test_moving_the_first_article_up_changes_nothing(agent, category):
    first = write_article(agent, category, question_en="First?")
    second = write_article(agent, category, question_en="Second?")

    articles.move_article(actor=agent, article=first, direction="up")

    listed = selectors.category_articles(user=VISITOR, category=category)
    assert [a.pk for a in listed] == [first.pk, second.pk]


def test_the_help_index_lists_each_category_with_its_articles_in_order(agent, category, client):
    other = CategoryFactory(slug="install", name="Installing the app", position=5)
    write_article(agent, other, question_en="How do I install the app?")
    write_article(agent, category, question_en="Why is my transfer pending?")
    write_article(agent, category, question_en="How long does a transfer take?")

    page = client.get("/help/").content.decode()

    assert page.index("Why is my transfer pending?") < page.index("How long does a transfer take?")
    assert "Installing the app" in page


def test_the_move_button_reorders_for_an_agent(agent, category):
    first = write_article(agent, category, question_en="First?")
    second = write_article(agent, category, question_en="Second?")

    response = client_for(agent).post(f"/help/a/{second.pk}/move/", {"direction": "up"})

    assert response.status_code == 302
    listed = selectors.category_articles(user=VISITOR, category=category)
    assert [a.pk for a in listed] == [second.pk, first.pk]


# --- Languages -------------------------------------------------------------------------


def test_a_chinese_reader_gets_the_chinese_text(article):
    text = article.text_in("zh-hans")

    assert text.question.startswith("为什么")
    assert text.steps == ["复制交易哈希", "打开区块浏览器", "粘贴哈希"]
    assert not text.is_fallback


def test_an_article_in_one_language_falls_back_to_it(agent, category):
    only_english = write_article(agent, category)
    only_chinese = write_article(
        agent,
        category,
        question_en="",
        answer_en="",
        question_zh="怎么转账？",
        answer_zh="打开钱包。",
    )

    assert only_english.text_in("zh-hans").is_fallback
    assert only_english.text_in("zh-hans").question == "Why is my transfer pending?"
    assert only_chinese.text_in("en").question == "怎么转账？"


def test_the_article_page_shows_the_readers_language_and_says_when_it_falls_back(
    agent, category, client
):
    english_only = write_article(agent, category)

    zh_page = client.get(english_only.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="zh-hans")
    en_page = client.get(english_only.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en")

    assert "Why is my transfer pending?" in zh_page.content.decode()
    assert zh_page.context["text"].is_fallback
    assert not en_page.context["text"].is_fallback


def test_the_article_page_shows_chinese_to_a_chinese_reader(article, client):
    page = client.get(article.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="zh-hans")

    assert "网络还没有确认这笔交易" in page.content.decode()


# --- Retirement ------------------------------------------------------------------------


def test_a_retired_article_is_hidden_from_members_lists_and_search(
    agent, member, article, category
):
    articles.retire_article(actor=agent, article=article)
    member_client = client_for(member)

    assert member_client.get(article.get_absolute_url()).status_code == 404
    assert "USDT transfer stay pending" not in member_client.get("/help/").content.decode()
    assert (
        "USDT transfer stay pending" not in member_client.get("/help/transfers/").content.decode()
    )
    found = member_client.get("/search/", {"q": "USDT pending"}).content.decode()
    assert article.get_absolute_url() not in found
    assert selectors.closest_answers("USDT pending", user=member, language="en") == []


def test_staff_still_see_a_retired_article_and_can_restore_it(agent, article):
    articles.retire_article(actor=agent, article=article)
    client = client_for(agent)

    page = client.get(article.get_absolute_url())
    assert page.status_code == 200
    assert "Retired" in page.content.decode()
    client.post(f"/help/a/{article.pk}/retire/", {"restore": "1"})
    article.refresh_from_db()
    assert not article.is_retired


def test_a_member_cannot_retire_an_article(member, article):
    response = client_for(member).post(f"/help/a/{article.pk}/retire/")

    article.refresh_from_db()
    assert response.status_code == 404
    assert not article.is_retired


# --- Search ----------------------------------------------------------------------------


def test_articles_rank_first_on_the_search_page(article, solved_thread, client):
    page = client.get("/search/", {"q": "USDT pending"}).content.decode()

    assert "help-hit" in page
    assert page.index(article.get_absolute_url()) < page.index(solved_thread.get_absolute_url())


def test_a_chinese_query_finds_the_article_in_chinese(article, client):
    page = client.get("/search/", {"q": "转帐 待确认"}, HTTP_ACCEPT_LANGUAGE="zh-hans")

    assert article.get_absolute_url() in page.content.decode()


def test_an_edited_article_is_found_by_its_new_words(agent, article):
    articles.update_article(
        actor=agent,
        article=article,
        question_en="Why is my withdrawal to an exchange missing?",
        answer_en="Ask the exchange with the hash.",
        steps_en="",
        question_zh="",
        answer_zh="",
        steps_zh="",
    )

    query = search.parse("withdrawal exchange")
    assert [m.article.pk for m in selectors.match_articles(query, limit=5)] == [article.pk]
    assert selectors.match_articles(search.parse("区块浏览器"), limit=5) == []


# --- Editing and cost ------------------------------------------------------------------


def test_an_agent_edits_an_article_and_a_new_category_puts_it_at_the_end(agent, category, article):
    other = CategoryFactory(slug="install", name="Installing the app")
    write_article(agent, other, question_en="How do I install the app?")
    client = client_for(agent)

    response = client.post(
        f"/help/a/{article.pk}/edit/",
        {
            "category": other.pk,
            "question_en": "Why is my transfer still pending?",
            "answer_en": "Wait for the network.",
            "review_by": "2027-01-31",
        },
    )

    article.refresh_from_db()
    assert response.status_code == 302
    assert article.category == other
    assert article.position == 1
    assert article.question_zh == ""  # the Chinese text was emptied on purpose
    assert str(article.review_by) == "2027-01-31"
    assert "still pend" in article.index_title  # stemmed, as forum search stores words


def test_the_edit_form_says_what_is_missing(agent, article):
    response = client_for(agent).post(
        f"/help/a/{article.pk}/edit/",
        {"category": article.category_id, "question_zh": "只有问题？"},
    )

    assert response.status_code == 200
    assert response.context["form"].errors["answer_zh"]


def test_the_help_pages_cost_a_fixed_number_of_queries(
    agent, category, client, django_assert_max_num_queries
):
    for n in range(12):
        write_article(agent, category, question_en=f"Question number {n}?")

    with django_assert_max_num_queries(3):  # the articles, their categories (+ the session)
        assert client.get("/help/").status_code == 200
    with django_assert_max_num_queries(3):  # the category, its articles
        assert client.get("/help/transfers/").status_code == 200


def test_the_search_section_keeps_to_the_chosen_category(article, client):
    other = CategoryFactory(slug="install", name="Installing the app")

    in_other = client.get("/search/", {"q": "USDT pending", "category": other.slug})
    in_its_own = client.get("/search/", {"q": "USDT pending", "category": "transfers"})

    assert article.get_absolute_url() not in in_other.content.decode()
    assert article.get_absolute_url() in in_its_own.content.decode()
