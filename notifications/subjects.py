"""Where the question a notification tells of stands now, for the badge beside it.

The list and every email show it with the same badge and words as the forum's pages
(`includes/question_state.html`), read when the list is shown or the email rendered,
so neither says "needs help" about a question the support team has since resolved.

Notifications sit below the forum and know nothing of threads: a notification names its
thread in its params (`thread_id`), and the app that owns threads registers the function
that says where they stand (the forum does, in its AppConfig.ready()).
"""

from collections.abc import Callable, Iterable

# states(thread_ids) -> {thread id: its state}, for those of them that exist.
States = Callable[[set[int]], dict]
_states: list[States] = []


def register(states: States) -> None:
    if states not in _states:
        _states.append(states)


def thread_id(params: dict) -> int | None:
    value = params.get("thread_id") if isinstance(params, dict) else None
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def states_for(params_list: Iterable[dict]) -> dict[int, object]:
    """{thread id: state} for the threads these params name: one query per registered app."""
    ids = {tid for params in params_list if (tid := thread_id(params)) is not None}
    found: dict[int, object] = {}
    if ids:
        for states in _states:
            found.update(states(ids))
    return found


def state_for(params: dict):
    """The state of the one thread `params` names, or None."""
    tid = thread_id(params)
    return states_for([params]).get(tid) if tid is not None else None
