"""Many users subscribed or unsubscribed at once, rate limits, pacing."""
