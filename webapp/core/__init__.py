"""The rules, free of web requests: models, schedules and transitions (pure time
and state logic), applying a ping, flips and their outbox, field validation,
channels, users, and what people do to a check by hand."""
