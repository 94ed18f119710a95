"""What staff write with the CLI: new acts, imported documents, the donné acte list."""
