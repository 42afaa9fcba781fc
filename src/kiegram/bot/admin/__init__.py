"""The admin panel's pieces: access filters, states, screens and actions."""
