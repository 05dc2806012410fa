"""Per-user secrets: one encrypted store (``store``) and the key rotation over every sealed value (``rotation``)."""
