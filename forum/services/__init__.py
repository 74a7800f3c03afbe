"""Every change to forum state, one module per subject; the only writers of the forum's tables.

Every change to forum state goes through a function here.

Views, tasks, commands and tests call these; each checks its own preconditions (again,
after the view did) and raises NotAllowed or InvalidTransition with a message for the user
(and safety's SecretRefused and LinkRefused for what the safety rules refuse).
Counters move with F() expressions; rows that change together are locked first.

- common     What every forum service starts with: the checks on the actor and the thread, the thread's row lock, the moderation log, the visible-reply count.
- following  Following threads and categories.
- answers    Accepting an answer and voting for one, and the reputation they give.
- moderation Flags and moderation of posts and threads: hiding, confirming, dismissing, moving, closing, marking solved.
- posting    Asking and answering: new threads and posts, edits and deletions, with the link and secret rules they pass.
- support    What the escalation app asks of the forum (through these functions, never the tables): a thread needs help, is with the support team, was resolved by it.

Public functions take the acting user first and keyword-only arguments. Modules import
one another in this order, bottom up, never back: common, following, answers, moderation, posting, support.
"""
