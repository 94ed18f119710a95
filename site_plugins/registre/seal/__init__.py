"""The sealed register (acts/registre.lock): canonical hashes of acts and files, and its ledger."""
