"""Sending results where a newsroom's systems are: the verdict as IPTC's digital source type
in wire XML copies and JSON-LD (`provenance`), a run's summary to a chat webhook (`webhook`)."""
