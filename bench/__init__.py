"""`make bench`: the SDK's speed, measured against bare httpx and the official SDK on one local server.

Start at ``run.py``. Every module here has one job. The modules that run in other
processes and venvs (``official_worker`` in the official SDK's, ``ours_async_worker`` in our
clean install, ``load_worker``, ``site_size``) import from this package only its
standard-library modules (``scenario``, ``timing``, ``concurrency``).
"""
