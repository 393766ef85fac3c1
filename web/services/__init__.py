"""What the public pages and the guides' tools share: database and tables, booking,
the tour as guides edited it, the router, mail, rate limits, languages."""
