"""The names of every measure a rollup row holds, by scope (see analytics.models)."""

# Questions (category scope).
ASKED = "asked"
COMMUNITY_ANSWERED = "community_answered"  # first answer by neither the asker nor staff
SOLVED = "solved"
NEEDS_HELP = "needs_help"
# Tickets opened, by reason (category and queue scopes). "deadline" gathers the sweep's
# reasons (unanswered, unsolved); "agent" is an agent opening one by hand.
ESCALATED = {
    "deadline": "escalated_deadline",
    "asker": "escalated_asker",
    "moderator": "escalated_moderator",
    "agent": "escalated_agent",
}
REASON_GROUP = {
    "unanswered": "deadline",
    "unsolved": "deadline",
    "asker": "asker",
    "moderator": "moderator",
    "agent": "agent",
}
# Ticket work (category, queue and agent scopes).
FIRST_RESPONSES = "first_responses"
RESOLUTIONS = "resolutions"
FIRST_RESPONSE_MET = "first_response_met"
FIRST_RESPONSE_BREACHED = "first_response_breached"
RESOLUTION_MET = "resolution_met"
RESOLUTION_BREACHED = "resolution_breached"
REOPENS = "reopens"
RATINGS = "ratings"
RATING_SUM = "rating_sum"
RATING_SCORES = {score: f"rating_{score}" for score in range(1, 6)}
# Site scope.
SECRET_REFUSALS = "secret_refusals"

# Histograms (seconds).
COMMUNITY_ANSWER_TIME = "community_answer_time"  # wall clock: the community keeps no hours
FIRST_RESPONSE_TIME = "first_response_time"  # business time where a calendar applies
RESOLUTION_TIME = "resolution_time"  # business time, from the cycle's start
