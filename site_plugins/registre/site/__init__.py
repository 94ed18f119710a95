"""What the public site shows: act views, generated pages, matières, schema.org data."""
