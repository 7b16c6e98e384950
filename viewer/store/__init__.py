"""The event store: SQLite schema, reading, filtering and importing. Knows nothing of Qt."""
