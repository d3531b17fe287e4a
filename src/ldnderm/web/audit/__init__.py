"""The append-only audit trail of every read and write of patient data (HIPAA 164.312(b))."""
