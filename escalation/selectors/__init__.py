"""What escalation's pages read, one module per page or subject, each with the queries
it needs in a fixed number. Selectors read; they change nothing (escalation.services).

- queue        the staff queue: its filters, counts and page of tickets
- ticket_page  the staff page of one ticket
- asker        the asker's pages: their requests, one request's public timeline
- panels       the escalation box on a thread page
- agents       the support team, for the assignment choices and the duty page
"""
