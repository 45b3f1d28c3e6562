"""A local DingTalk that serves what openapi.yaml describes, for tests and demos."""
