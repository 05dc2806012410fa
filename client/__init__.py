"""secretary-client: the command-line client of Secretary's documents API. It talks HTTP only and imports nothing
of the server (checked by lint-imports)."""
