"""The designer application: graph core, executor, compute targets, server and CLI."""
__version__ = "0.1.0"
