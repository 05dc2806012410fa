"""Minis: a miniatures painting pipeline tracker (IN_BOX → BUILDING → PRIMING → PAINTING → DONE)."""
