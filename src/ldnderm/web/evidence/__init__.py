"""Server-rendered evidence pages: the condition index, clinician and patient pages."""
