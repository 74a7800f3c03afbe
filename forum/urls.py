from django.urls import path

from forum.views import lists, moderation, posting, thread

app_name = "forum"
urlpatterns = [
    path("", lists.home, name="home"),
    path("c/colours.css", lists.category_colours, name="category-colours"),
    path("c/<slug:slug>/", lists.category, name="category"),
    path("c/<slug:slug>/follow/", lists.follow_category, name="follow-category"),
    path("search/", lists.search, name="search"),
    path("ask/", posting.ask, name="ask"),
    path("ask/preview/", posting.preview, name="preview"),
    path("t/<int:thread_id>/", thread.thread_redirect, name="thread-redirect"),
    path("t/<int:thread_id>/<str:slug>/", thread.thread_detail, name="thread-detail"),
    path("thread/<int:thread_id>/reply/", posting.reply, name="reply"),
    path("thread/<int:thread_id>/follow/", posting.follow, name="follow"),
    path("thread/<int:thread_id>/unaccept/", posting.unaccept, name="unaccept"),
    path("thread/<int:thread_id>/move/", moderation.move_thread, name="move-thread"),
    path(
        "thread/<int:thread_id>/close/",
        moderation.set_thread_closed,
        {"close": True},
        name="close-thread",
    ),
    path(
        "thread/<int:thread_id>/reopen/",
        moderation.set_thread_closed,
        {"close": False},
        name="reopen-thread",
    ),
    path(
        "thread/<int:thread_id>/mark-solved/",
        moderation.set_thread_solved,
        {"solved": True},
        name="mark-solved",
    ),
    path(
        "thread/<int:thread_id>/mark-unsolved/",
        moderation.set_thread_solved,
        {"solved": False},
        name="mark-unsolved",
    ),
    path("p/<int:post_id>/", thread.post_permalink, name="post-permalink"),
    path("p/<int:post_id>/history/", thread.post_history, name="post-history"),
    path("p/<int:post_id>/edit/", posting.edit_post, name="edit-post"),
    path("p/<int:post_id>/delete/", posting.delete_post, name="delete-post"),
    path("p/<int:post_id>/accept/", posting.accept, name="accept"),
    path("p/<int:post_id>/vote/", posting.vote, name="vote"),
    path("p/<int:post_id>/flag/", posting.flag, name="flag"),
    path("p/<int:post_id>/hide/", moderation.set_post_hidden, {"hide": True}, name="hide-post"),
    path(
        "p/<int:post_id>/unhide/", moderation.set_post_hidden, {"hide": False}, name="unhide-post"
    ),
    path("p/<int:post_id>/dismiss-flags/", moderation.dismiss_flags, name="dismiss-flags"),
    path(
        "p/<int:post_id>/keep-hidden/",
        moderation.confirm_hidden_post,
        name="confirm-hidden-post",
    ),
    path("mod/flags/", moderation.flag_queue, name="flag-queue"),
    path("mod/members/sanction/", moderation.sanction_members, name="sanction-members"),
    path(
        "mod/members/<str:username>/sanction/", moderation.sanction_member, name="sanction-member"
    ),
    path("mod/sanctions/<int:sanction_id>/lift/", moderation.lift_sanction, name="lift-sanction"),
    path("mod/log/", moderation.moderation_log, name="moderation-log"),
]
