"""Moving checks in and out: from a Healthchecks project (its API), from an
Uptime Kuma install (its database file or JSON backup), and to and from our
own versioned JSON.

Each source turns what it reads into `apply.CheckSpec`s and `apply.ChannelSpec`s
and hands them to `apply`, which makes or updates the checks through the
core's one path (`check_fields.parse_fields`, `check_actions.create_check`),
so the limits and validation of the API apply to an import too. What could
not be carried is never dropped in silence: it goes in the `report.Report`,
per check and channel, with the reason.

A check keeps its identity across runs (the Healthchecks uuid, the Kuma push
token), so an import run twice finds what the first one made and changes
nothing, and every old ping URL keeps working.
"""
