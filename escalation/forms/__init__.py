"""The forms of the escalation pages, one module per screen (as in views/), and the admin's."""
