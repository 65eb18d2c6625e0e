"""Bot and flood protection without any outside service: a signed challenge, rate limits in the
Django cache, a honeypot field and a minimum fill time (docs/portal.md "Flood protection")."""
