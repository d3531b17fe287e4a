"""The evidence knowledge base: versioned clinical data files, their schema and loaders."""
