"""Pure domain code for the walking-tour guide: tour data, geometry, routing, GPX."""
