import re
from urllib.parse import urlsplit

from django import template

from commitments.models import Status

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


# The name of one body ("Department of Justice", "Federal Bureau of
# Investigation") takes "the" in a sentence; a collective party's ("State
# governments", "Federal agencies that submit records to NICS") does not.
ONE_BODY = re.compile(
    r"(?:(?:U\.S\.|United States|Federal|National|Executive)\s+)?"
    r"(?:Department|Bureau|Commission|Office|Administration|Agency|Council|Service)\b"
)


@register.filter
def with_article(name):
    """An agency's name as it reads inside a sentence: "the Department of
    Justice", "the White House", "State governments"."""
    if name.startswith("The "):
        return "the " + name[4:]
    if ONE_BODY.match(name):
        return "the " + name
    return name


@register.filter
def status_label(value):
    """The label of a status value ("in_progress" → "In progress")."""
    return Status(value).label if value in Status.values else value
