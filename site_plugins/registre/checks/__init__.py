"""Rules on the whole register (numbering, dates, transmission, integrity, HTML policy, personal data)."""
