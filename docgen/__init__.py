"""docgen: court-ready documents, bundles and registers for council debt recovery."""

__version__ = "0.1.0"
