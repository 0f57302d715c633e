"""Screen capture: grab, drop what must not be kept, OCR, redact, embed, encrypt and store as observations."""
