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
SURVEYS_SENT = "surveys_sent"  # satisfaction surveys sent: the response rate's whole
# An escalated question solved by accepting the support team's answer (counted the day
# it was solved; category, queue and chain scopes).
STAFF_ANSWER_ACCEPTED = "staff_answer_accepted"
# Site scope.
SECRET_REFUSALS = "secret_refusals"
# Questions self-service answered (help.models.DeflectionDay, counts only): a suggestion
# opened while asking and no question asked, or the bot's "This answered my question".
DEFLECTED = "deflected"
# Helper scope: answers by a member other than the asker that the asker accepted.
ACCEPTED_ANSWERS = "accepted_answers"

# Counted by hour as well as by day, for the hour-of-day × weekday heatmap: "asked@h5" is
# the questions asked in the sixth hour after the local day's midnight (elapsed hours, so
# a 25-hour day has @h24), which the dashboard turns into the viewer's own local hour.
ESCALATIONS = "escalated"  # only ever counted by hour; by reason above
HOURLY = (ASKED, ESCALATIONS)

# Histograms (seconds).
COMMUNITY_ANSWER_TIME = "community_answer_time"  # wall clock: the community keeps no hours
FIRST_RESPONSE_TIME = "first_response_time"  # business time where a calendar applies
RESOLUTION_TIME = "resolution_time"  # business time, from the cycle's start
# The funnel's other stages, wall clock: asked → solved, → needs help, → escalated, and a
# resolution → its rating.
SOLVE_TIME = "solve_time"
NEEDS_HELP_TIME = "needs_help_time"
ESCALATION_TIME = "escalation_time"
RATING_TIME = "rating_time"

# How many commented ratings a rollup row remembers (newest first), for "recent comments".
RECENT_COMMENTS = 5


def by_hour(measure: str, hour: int) -> str:
    """The name of `measure`'s count in the `hour`-th elapsed hour of a local day."""
    return f"{measure}@h{hour}"


def hour_of(name: str) -> tuple[str, int] | None:
    """(measure, hour) of an hourly count's name, None for any other measure."""
    measure, marker, hour = name.partition("@h")
    return (measure, int(hour)) if marker and hour.isdigit() else None
