"""Users and (later) clinics and roles."""
