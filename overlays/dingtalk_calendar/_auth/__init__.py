"""Credentials, access tokens, the token manager, token stores, locks."""
