"""Reminders: before meetings, "remind me" items, snoozes, and the daily agenda; all durable delayed jobs."""
