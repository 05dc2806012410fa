"""Calendar: Google Calendar sync (service account or per-user OAuth) and a per-user ICS feed."""
