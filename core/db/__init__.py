"""Database: declarative Base, engine and session factories, migrations."""
