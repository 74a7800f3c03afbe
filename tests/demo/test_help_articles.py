"""The demo's help articles (demo/help_articles.py), seeded with the rest of the demo."""

from help.models import Article
from help.selectors import closest_answers


def test_the_demo_has_help_articles_in_both_languages(seeded):
    articles = list(Article.objects.all())

    assert len(articles) == 5
    assert any(article.languages == ["en", "zh"] for article in articles)
    assert any(article.languages == ["zh"] for article in articles)
    assert any(article.source_thread_id for article in articles)


def test_a_demo_article_is_suggested_first_while_asking(seeded):
    from accounts.models import User

    alice = User.objects.get(username="alice")

    answers = closest_answers("transfer pending", user=alice, language="en")

    assert answers[0].kind == "article"


def test_seeding_again_adds_no_article(seeded):
    from demo.help_articles import seed_help_articles

    assert seed_help_articles() == 0
