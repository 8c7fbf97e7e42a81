"""Bring-your-own-data: datastores and their files, uploads, and the registry of versioned datasets."""
