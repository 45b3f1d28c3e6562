"""The two clients (async source, sync twin), their settings, raw calls."""
