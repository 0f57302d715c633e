"""The six memory agents (core, episodic, semantic, procedural, resource, knowledge vault) and their registry."""
