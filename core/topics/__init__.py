"""Notes classified and filed into forum-group topics; answers over a user's own items."""
