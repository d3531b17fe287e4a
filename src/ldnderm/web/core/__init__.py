"""Site-wide pages: home, health check, base templates."""
