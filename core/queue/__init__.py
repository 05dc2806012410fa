"""The durable queue: incoming updates (inbox) and jobs."""
