"""The escalation pages, one module per screen: the asker's side (asking for staff, their
requests, the survey), the staff queue, one ticket, agents' duty and canned replies."""
