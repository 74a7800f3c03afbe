"""The ceiling for page benchmarks: Django's stock middleware and a 50-byte response.

Served exactly like the real app (gunicorn, same workers), it measures what the server,
the load generator and Django itself cost, so page figures can be read as a fraction of it.
"""
