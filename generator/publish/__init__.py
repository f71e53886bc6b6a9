"""What publishing adds: site settings, headers and CSP, redirects, share metadata, e-mail."""
