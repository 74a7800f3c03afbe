from django.urls import path

from help import views

app_name = "help"
urlpatterns = [
    path("help/", views.help_index, name="index"),
    path("help/new/", views.new_article, name="new"),
    path("help/similar/", views.similar, name="similar"),
    path("help/open/<str:kind>/<int:pk>/", views.open_suggestion, name="open"),
    path("help/a/<int:article_id>-<str:slug>/", views.article_detail, name="article"),
    path("help/a/<int:article_id>/feedback/", views.article_feedback, name="feedback"),
    path("help/a/<int:article_id>/edit/", views.edit_article, name="edit"),
    path("help/a/<int:article_id>/move/", views.move_article, name="move"),
    path("help/a/<int:article_id>/retire/", views.retire_article, name="retire"),
    path("help/bot/<int:thread_id>/", views.bot_answer, name="bot-answer"),
    path("help/<slug:slug>/", views.category, name="category"),
]
