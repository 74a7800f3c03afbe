"""Every change notifications makes, one module per subject; the only writers of its tables.

- writer       write_notifications(), the one writer, and its cases notify(), notify_many(),
               notify_each(): who is told, on which channels, when their email may go; the
               notification emails queued to the outbox
- outbox       the email outbox: queueing, delivering once, backoff, the periodic flush,
               rendering emails the worker fills in, account emails
- unread       the unread counts: what notifying adds (in one lock order, at the end of a
               transaction that tells several sets of people) and what reading takes away
- preferences  someone's notification choices, and when their quiet hours end
- rendering    what an email says: rendered in the recipient's language and time zone, its
               subject line, absolute links

Everything here writes inside the caller's transaction: a notification, its unread count
and its email commit together with whatever caused them, or not at all. The only thing
that leaves the database is the after-commit enqueue of an outbox email.

Callers import the module they need: nothing is re-exported here. Modules import one
another in this order, bottom up, never back: rendering, preferences, unread, outbox,
writer (outbox and writer do not import each other).
"""
