"""Registry use cases. Each runs in one transaction and appends its audit events inside it;
pages and API operations are thin wrappers over these functions."""
