"""An open data inventory and subprocessor registry: GDPR Art 30 records of processing over GraphQL."""

__version__ = "0.1.0"
