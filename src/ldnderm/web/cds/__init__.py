"""The CDS Hooks door: discovery, the three naltrexone services, feedback (``/cds-services``)."""
