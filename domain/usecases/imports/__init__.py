"""Bulk set-up from CSV, all or nothing, one transaction a file: a module a kind of file and the shared report."""
