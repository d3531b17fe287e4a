"""Server-rendered pages of the registry (templates + HTMX). Views only translate HTTP to the
services in ``registry.services`` and back."""
