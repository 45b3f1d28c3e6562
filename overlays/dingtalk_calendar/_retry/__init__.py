"""When to retry and how long to wait; the retrying transports."""
