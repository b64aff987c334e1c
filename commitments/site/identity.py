"""Identifiers that never change: tag URIs (RFC 4151) built from the configured
SITE_IDENTITY and primary keys, for Atom ids (RFC 4287 §4.2.6: an entry's id
never changes) and iCalendar UIDs (RFC 5545 §3.8.4.7). Not from slugs, which
maintainers may correct, nor from the request's host, which differs between the
names a site is reached by."""

from django.conf import settings


def tag_uri(*parts):
    """`tag_uri("progress-update", 7)` → `tag:example.org,2026:progress-update/7`."""
    return f"{settings.SITE_IDENTITY}:{'/'.join(str(part) for part in parts)}"
