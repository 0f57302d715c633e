"""Desktop integration: single instance (the owner's socket), start at login, close-to-tray, the smoke quit."""
