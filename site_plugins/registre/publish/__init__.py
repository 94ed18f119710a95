"""Files written next to the pages: PDF/A, search index, feeds, exports, sitemaps, the verify page."""
