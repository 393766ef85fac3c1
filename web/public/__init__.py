"""Pages and API for guests: map, stops, walk, about, dates, events, live walks,
GPX, the offline app and the vendored files."""
