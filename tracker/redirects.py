"""Django's CommonMiddleware, except that a request without its trailing slash
keeps its method when redirected.

Django answers `POST /api/v1/commitments/1/updates` with 301, which clients
(python-requests, browsers) follow as a GET: nothing is written and the client
sees a 200. A 308 (RFC 9110 §15.4.9) makes them resend the same method and body
to the slashed URL. GET and HEAD keep the 301 that every client understands."""

from django.http import HttpResponsePermanentRedirect
from django.middleware import common
from django.utils.http import escape_leading_slashes


class HttpResponsePermanentRedirectSameMethod(HttpResponsePermanentRedirect):
    status_code = 308


class CommonMiddleware(common.CommonMiddleware):
    def process_response(self, request, response):
        if (
            request.method not in ("GET", "HEAD")
            and response.status_code == 404
            and self.should_redirect_with_slash(request)
        ):
            path = request.get_full_path(force_append_slash=True)
            return HttpResponsePermanentRedirectSameMethod(escape_leading_slashes(path))
        return super().process_response(request, response)
