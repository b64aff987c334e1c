"""One limit on failed sign-ins, for every way to sign in (the API's token login and
the admin's login page), kept by django-axes in the database that every replica
shares (README "Sign-in limits").

An account is locked after LOGIN_FAILURE_LIMIT failures, whatever the spelling of
its username, and a client address after LOGIN_FAILURE_LIMIT_PER_ADDRESS failures,
whatever the accounts tried. Failures count until LOGIN_LOCKOUT_SECONDS pass without
a new one; a lockout ends LOGIN_LOCKOUT_SECONDS after the failure that caused it,
even a right password being refused until then.
"""

import datetime
import hashlib
import ipaddress
import math

from axes.backends import AxesStandaloneBackend
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_cool_off
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.db import connections, router
from django.db.models import Max, Q, Sum
from django.http import JsonResponse
from django.shortcuts import render
from django.utils import timezone

from tracker.errors import is_api_request

# axes keeps the account in a column of 255 characters.
ACCOUNT_KEY_LENGTH = 255


def normalise_username(username):
    """Every spelling of a username that can reach an account, as one key: Unicode
    NFKC as Django normalises usernames (the admin's form does too), no surrounding
    white space (both login forms strip it), and case folded, so that no variant
    makes a fresh count whatever the database's comparison of case."""
    username = AbstractBaseUser.normalize_username(str(username)).strip()
    return username.casefold()[:ACCOUNT_KEY_LENGTH]


def account_key(request, credentials):
    """AXES_USERNAME_CALLABLE: the account a sign-in attempt is counted against."""
    username = (credentials or {}).get(get_user_model().USERNAME_FIELD)
    if username is None:
        return None
    return normalise_username(username)


def client_address(request):
    """AXES_CLIENT_IP_CALLABLE: the client's address as the deployment defines it.
    With NUM_PROXIES = 0 (no proxy) it is the socket's address and X-Forwarded-For,
    which any client can write, is ignored. Behind N proxies it is the address the
    outermost one saw, the Nth from the right in X-Forwarded-For (as DRF reads it),
    so addresses a client prepends itself are never used."""
    remote = request.META.get("REMOTE_ADDR", "")
    address = remote
    if settings.NUM_PROXIES > 0:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if hops:
            address = hops[-min(settings.NUM_PROXIES, len(hops))]
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        # Not an address (a proxy that writes something else): the socket's.
        return remote or None


def advisory_lock_id(name):
    """A 64-bit PostgreSQL advisory lock id for a name."""
    digest = hashlib.sha256(name.encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


class SignInLimitBackend(AxesStandaloneBackend):
    """axes' backend (first in AUTHENTICATION_BACKENDS: it refuses a locked
    account or address before any password is checked), made atomic: on
    PostgreSQL an attempt holds transaction-scoped locks on its account and its
    address from the check to the commit of its failure, so parallel guesses are
    checked one after the other and no more than the limit of them ever reach the
    password check. (On SQLite, every request's transaction already takes the
    write lock when it begins.)"""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is not None and username is not None:
            self.lock_attempts(request, username)
        return super().authenticate(
            request, username=username, password=password, **kwargs
        )

    @staticmethod
    def lock_attempts(request, username):
        connection = connections[router.db_for_write(AccessAttempt)]
        if connection.vendor != "postgresql" or not connection.in_atomic_block:
            return
        # Always the account first, then the address: one order, no deadlock.
        names = [
            f"sign-in account {normalise_username(username)}",
            f"sign-in address {client_address(request)}",
        ]
        with connection.cursor() as cursor:
            for name in names:
                cursor.execute(
                    "SELECT pg_advisory_xact_lock(%s)", [advisory_lock_id(name)]
                )


class SignInFailureHandler(AxesDatabaseHandler):
    """axes' database handler with two limits. axes compares one count of
    failures with one limit (AXES_FAILURE_LIMIT, the account's), taking the larger
    of the counts per account and per address (AXES_LOCKOUT_PARAMETERS); here an
    address's failures count for the share of its own, higher limit they reach, so
    it is locked at LOGIN_FAILURE_LIMIT_PER_ADDRESS failures."""

    def get_failures(self, request, credentials=None):
        by_account, by_address = (
            attempts.aggregate(failures=Sum("failures_since_start"))["failures"] or 0
            for attempts in self.get_user_attempts(request, credentials)
        )
        return max(
            by_account,
            by_address
            * settings.LOGIN_FAILURE_LIMIT
            // settings.LOGIN_FAILURE_LIMIT_PER_ADDRESS,
        )


def seconds_until_unlocked(request, credentials):
    """An upper bound: LOGIN_LOCKOUT_SECONDS after the latest failure counted
    against the account or the address."""
    cool_off = get_cool_off(request)
    now = timezone.now()
    latest = AccessAttempt.objects.filter(
        Q(username=get_client_username(request, credentials))
        | Q(ip_address=request.axes_ip_address),
        attempt_time__gte=now - cool_off,
    ).aggregate(latest=Max("attempt_time"))["latest"]
    remaining = (latest or now) + cool_off - now
    return max(1, math.ceil(remaining / datetime.timedelta(seconds=1)))


def lockout_response(request, original_response, credentials):
    """AXES_LOCKOUT_CALLABLE: 429 with Retry-After, in JSON under /api/ and as a
    page for the admin."""
    retry_after = seconds_until_unlocked(request, credentials)
    message = (
        "Too many failed sign-ins for this account or from this address. "
        f"Try again in {retry_after} seconds."
    )
    if is_api_request(request):
        response = JsonResponse({"detail": message}, status=429)
    else:
        response = render(
            request,
            "registration/locked_out.html",
            {
                **admin.site.each_context(request),
                "title": "Sign-in locked",
                "retry_after": retry_after,
            },
            status=429,
        )
    response["Retry-After"] = str(retry_after)
    return response
