"""The dashboard's forms: the check form, the channel form and the account forms."""
