"""What every HTTP door shares: error answers, security headers, the cookie
session, the public base URL, the Flask extensions and the load-or-404 helpers."""
