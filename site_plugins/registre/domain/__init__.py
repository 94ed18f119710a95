"""The law and the register, in plain Python: acts, settings, dates, statuses, site addresses, masking.

Imports nothing of the package but :mod:`registre.resources`; never MkDocs."""
