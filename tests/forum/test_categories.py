from forum.models import Follow
from tests.factories import CategoryFactory

HTMX = {"HTTP_HX_REQUEST": "true"}


def test_category_colours_are_served_as_css_custom_properties(client, category):
    category.colour = "#12ab34"
    category.save()

    response = client.get("/c/colours.css")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/css")
    assert f".category-{category.pk} {{ --category-colour: #12ab34; }}" in response.text


def test_a_member_follows_and_unfollows_a_category(category, member, asker_client):
    response = asker_client.post(f"/c/{category.slug}/follow/")
    assert response.status_code == 302
    assert Follow.objects.filter(user=member, category=category).exists()

    response = asker_client.post(f"/c/{category.slug}/follow/", {"undo": "1"}, **HTMX)
    assert response.status_code == 200
    assert "Follow category" in response.text
    assert not Follow.objects.filter(user=member, category=category).exists()


def test_following_a_category_is_for_members(client, category):
    response = client.post(f"/c/{category.slug}/follow/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert not Follow.objects.exists()


def test_following_an_unknown_category_is_not_found(asker_client, db):
    CategoryFactory(slug="real")

    assert asker_client.post("/c/nope/follow/").status_code == 404
