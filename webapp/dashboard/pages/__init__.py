"""The dashboard's pages, a blueprint each: log in, the checks list, one check,
settings and channels (and the confirmation page they share)."""
