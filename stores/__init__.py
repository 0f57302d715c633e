"""Encrypted memory: SQLCipher database, Chroma vectors, embedders and keys (no Qt, no LangChain)."""
