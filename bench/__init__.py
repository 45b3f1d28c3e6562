"""`make bench`: the SDK's speed, measured against bare httpx and the official SDK on one local server.

Start at ``run.py``. Every module here has one job; modules that run inside the official
SDK's virtualenv (``official_worker``) or in a server process (``emulator_server``,
``load_worker``) use only the standard library and the package they measure.
"""
