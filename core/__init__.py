"""The shared layer below both sides: settings, errors, the source manifest, the records and the index format.

``ingest`` writes the index through it and ``assistant`` reads it through it; it imports
neither (docs/architecture.md draws the layers).
"""
