from django.core.servers.basehttp import WSGIServer

# The live test server listens with Django's backlog of 10 pending connections; the concurrency
# tests open 50 at once, and a full backlog resets connections. Production servers (gunicorn)
# default to 2048. This runs at collection, before the session's live server starts.
WSGIServer.request_queue_size = 256
