"""The Django site: the only part of ldnderm that imports Django. Adapters only; decisions are
made by the domain core."""
