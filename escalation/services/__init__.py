"""Every change escalation makes, one module per subject; the only writers of its tables.

- tickets     opening a ticket, for one thread or a sweep's batch: one row builder, one
              list of side effects
- sweep       the periodic pass: needs help, escalation, solve nudges, SLA breaches, closing
- assignment  agents' duty, assigning and claiming, automatic assignment
- lifecycle   status moves, resolving, reopening, closing; the resolution clock's pauses
- triage      priority, queue, and the queue's bulk actions
- replies     staff replies, the asker's replies that move a ticket, notes, canned replies
- surveys     the satisfaction survey: its links and the ratings
- clocks      thread clocks: when a thread needs help or escalates
- locks       the row locks the services above take, in their one order
- timeline    what a change leaves behind: its TicketEvent, the people told

Public functions take the acting user first and keyword-only arguments. Modules import
one another in this order, bottom up, never back: locks, timeline, clocks, assignment,
lifecycle, replies, triage, tickets, sweep, surveys.
"""
