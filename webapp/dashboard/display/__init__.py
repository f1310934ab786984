"""What the dashboard's pages show, computed apart from the views: the list's
filter and order, fingerprints for the live refresh, the event log, the chart,
snippets, and schedules, alerts and times in words."""
