from urllib.parse import urlsplit

from django import template

register = template.Library()


@register.filter
def http_url(value):
    """The URL if it is http(s), else "": evidence links come from editors and from
    fixtures, which skip the model's URL validation, and a `javascript:` link must
    never reach a reader's page."""
    if value and urlsplit(value).scheme.lower() in ("http", "https"):
        return value
    return ""


@register.filter
def url_host(value):
    return urlsplit(value).netloc if value else ""
