"""The MCP server: the memory for other assistants (Claude Desktop, Cursor, Zed, ...) over stdio; read-only."""
