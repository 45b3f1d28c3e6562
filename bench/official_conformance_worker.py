"""The official SDK (alibabacloud-dingtalk) as a client of the emulator: the six operations and the documented errors.

Run by ``official_conformance`` in the official SDK's virtualenv
(``bench/.venv-official/bin/python -m bench.official_conformance_worker --url ... --token ...``).
It imports the standard library and the official SDK only. Each check prints one JSON
line, ``{"check", "ok", "detail"}``; the last line is ``{"passed", "total"}``.
"""

import argparse
import json
import urllib.request
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from alibabacloud_dingtalk.calendar_1_0 import models  # type: ignore[import-not-found]
from alibabacloud_dingtalk.calendar_1_0.client import Client  # type: ignore[import-not-found]
from alibabacloud_dingtalk.oauth2_1_0 import models as oauth_models  # type: ignore[import-not-found]
from alibabacloud_dingtalk.oauth2_1_0.client import Client as OAuthClient  # type: ignore[import-not-found]
from alibabacloud_tea_openapi import models as open_api_models  # type: ignore[import-not-found]
from alibabacloud_tea_util import models as util_models  # type: ignore[import-not-found]


class Checks:
    def __init__(self, url: str, token: str, suite: list[str], language: str) -> None:
        parts = urlsplit(url)
        config = open_api_models.Config(protocol=parts.scheme, endpoint=parts.netloc)
        self.url = url
        self.calendar = Client(config)
        self.oauth = OAuthClient(config)
        self.token = token
        self.suite = suite
        self.language = language
        self.results: list[dict[str, Any]] = []

    # -- plumbing ----------------------------------------------------------------------------

    def headers(self, kind: Any, token: str | None = None) -> Any:
        return kind(x_acs_dingtalk_access_token=token or self.token)

    def check(self, name: str, run: Callable[[], str]) -> None:
        try:
            detail = run()
            ok = True
        except Exception as error:  # a failed check is reported, not raised
            ok, detail = False, f"{type(error).__name__}: {error}"
        self.results.append({"check": name, "ok": ok, "detail": detail})
        print(json.dumps(self.results[-1], ensure_ascii=False), flush=True)

    def expect_error(self, name: str, call: Callable[[], Any], status: int, code: str, message: str | None) -> None:
        def run() -> str:
            try:
                call()
            except Exception as error:  # the official SDK raises one TeaException type for every error
                got = (getattr(error, "code", None), getattr(error, "message", "") or "")
                data = getattr(error, "data", None) or {}
                got_status = data.get("statusCode") if isinstance(data, dict) else None
                if got[0] != code:
                    raise AssertionError(f"expected code {code}, got {got[0]!r} ({got[1]})") from None
                if message is not None and message not in got[1]:
                    raise AssertionError(f"expected message {message!r}, got {got[1]!r}") from None
                if got_status is not None and int(got_status) != status:
                    raise AssertionError(f"expected HTTP {status}, got {got_status}") from None
                return f"HTTP {got_status} {got[0]}: {got[1]}"
            raise AssertionError("no error raised")

        self.check(name, run)

    def fault(self, kind: str, operation: str) -> None:
        body = json.dumps({"kind": kind, "operation": operation}).encode()
        request = urllib.request.Request(  # noqa: S310 - the emulator's http URL on loopback
            f"{self.url}/_emulator/faults", data=body, headers={"content-type": "application/json"}
        )
        urllib.request.urlopen(request, timeout=10).close()  # noqa: S310 - the emulator on loopback

    # -- the checks --------------------------------------------------------------------------

    def create(self, user: str, name: str, token: str | None = None) -> Any:
        scope = models.CreateSubscribedCalendarRequestSubscribeScope(corp_ids=["ding-acme"])
        body = models.CreateSubscribedCalendarRequest(name=name, subscribe_scope=scope, managers=["carol"])
        return self.calendar.create_subscribed_calendar_with_options(
            user, body, self.headers(models.CreateSubscribedCalendarHeaders, token), util_models.RuntimeOptions()
        )

    def run(self) -> None:
        c, rt = self.calendar, util_models.RuntimeOptions
        created: dict[str, str] = {}

        def create() -> str:
            created["id"] = self.create("alice", "Official SDK").body.calendar_id
            return created["id"]

        self.check("create", create)
        cid = created.get("id", "missing")
        get_headers = self.headers(models.GetSubscribedCalendarHeaders)
        self.check("get", lambda: c.get_subscribed_calendar_with_options("alice", cid, get_headers, rt()).body.name)
        update = models.UpdateSubscribedCalendarsRequest(name="Official SDK (renamed)")
        update_headers = self.headers(models.UpdateSubscribedCalendarsHeaders)
        self.check(
            "update",
            lambda: str(
                c.update_subscribed_calendars_with_options(cid, "alice", update, update_headers, rt()).body.result
            ),
        )
        sub_headers = self.headers(models.SubscribeCalendarHeaders)
        unsub_headers = self.headers(models.UnsubscribeCalendarHeaders)
        self.check(
            "subscribe", lambda: str(c.subscribe_calendar_with_options("bob", cid, sub_headers, rt()).status_code)
        )
        self.check(
            "unsubscribe", lambda: str(c.unsubscribe_calendar_with_options("bob", cid, unsub_headers, rt()).body.result)
        )

        # Documented errors, as the official SDK reports them.
        blank = models.CreateSubscribedCalendarRequest(
            name=" ", subscribe_scope=models.CreateSubscribedCalendarRequestSubscribeScope(corp_ids=["ding-acme"])
        )
        create_headers = self.headers(models.CreateSubscribedCalendarHeaders)
        self.expect_error(
            "create: blank name",
            lambda: c.create_subscribed_calendar_with_options("alice", blank, create_headers, rt()),
            400,
            "invalidParameter",
            "calendar name cannot be blank",
        )
        self.expect_error(
            "get: not author or manager",
            lambda: c.get_subscribed_calendar_with_options("bob", cid, get_headers, rt()),
            403,
            "permissionDenied",
            "permission denied",
        )
        outside = "用户不在订阅范围" if self.language == "zh" else "The user is not within the subscription scope"
        self.expect_error(
            "subscribe: outside the scope",
            lambda: c.subscribe_calendar_with_options("dave", cid, sub_headers, rt()),
            400,
            "permissionDenied",
            outside,
        )
        self.expect_error(
            "subscribe: not a subscribed calendar",
            lambda: c.subscribe_calendar_with_options("bob", "primary", sub_headers, rt()),
            400,
            "invalidParameter",
            "calendar type invalid",
        )
        self.expect_error(
            "get: invalid token",
            lambda: c.get_subscribed_calendar_with_options(
                "alice", cid, self.headers(models.GetSubscribedCalendarHeaders, "not-a-token"), rt()
            ),
            400,
            "InvalidAuthentication",
            None,
        )
        self.fault("throttle", "getSubscribedCalendar")
        self.expect_error(
            "get: throttled",
            lambda: c.get_subscribed_calendar_with_options("alice", cid, get_headers, rt()),
            403,
            "Forbidden.AccessDenied.QpsLimitForAppkeyAndApi",
            None,
        )
        self.fault("quota", "getSubscribedCalendar")
        self.expect_error(
            "get: monthly quota",
            lambda: c.get_subscribed_calendar_with_options("alice", cid, get_headers, rt()),
            403,
            "Forbidden.AccessDenied.ApiCountLimitForOrg",
            None,
        )

        # Delete: only the creator (carol is a manager); subscribers go with it; a second one fails.
        del_headers = self.headers(models.DeleteSubscribedCalendarHeaders)
        self.expect_error(
            "delete: a manager is not the creator",
            lambda: c.delete_subscribed_calendar_with_options("carol", cid, del_headers, rt()),
            403,
            "permissionDenied",
            "permission denied",
        )
        c.subscribe_calendar_with_options("bob", cid, sub_headers, rt())
        self.check(
            "delete",
            lambda: str(c.delete_subscribed_calendar_with_options("alice", cid, del_headers, rt()).body.result),
        )
        self.expect_error(
            "delete: a second time",
            lambda: c.delete_subscribed_calendar_with_options("alice", cid, del_headers, rt()),
            400,
            "invalidParameter",
            None,
        )
        self.expect_error(
            "get: after delete",
            lambda: c.get_subscribed_calendar_with_options("alice", cid, get_headers, rt()),
            400,
            "invalidParameter",
            None,
        )

        # Token endpoints, as the token pages document them.
        suite_key, suite_secret, corp_id, ticket = self.suite
        self.expect_error(
            "accessToken: wrong secret",
            lambda: self.oauth.get_access_token(
                oauth_models.GetAccessTokenRequest(app_key="emulator-app-key", app_secret="wrong")  # noqa: S106
            ),
            400,
            "invalidClientIdOrSecret",
            None,
        )
        self.expect_error(
            "corpAccessToken: unknown suite key",
            lambda: self.oauth.get_corp_access_token(
                oauth_models.GetCorpAccessTokenRequest(
                    suite_key="nobody", suite_secret=suite_secret, auth_corp_id=corp_id, suite_ticket=ticket
                )
            ),
            400,
            "invalidSuiteKey",
            None,
        )
        self.expect_error(
            "corpAccessToken: organisation without the app",
            lambda: self.oauth.get_corp_access_token(
                oauth_models.GetCorpAccessTokenRequest(
                    suite_key=suite_key, suite_secret=suite_secret, auth_corp_id="ding-stranger", suite_ticket=ticket
                )
            ),
            400,
            "invalidAuthInfo",
            None,
        )

        def corp_token_is_new_each_time() -> str:
            request = oauth_models.GetCorpAccessTokenRequest(
                suite_key=suite_key, suite_secret=suite_secret, auth_corp_id=corp_id, suite_ticket=ticket
            )
            first = self.oauth.get_corp_access_token(request).body.access_token
            second = self.oauth.get_corp_access_token(request).body.access_token
            if first == second:
                raise AssertionError("the same corp token twice")
            return "two different tokens"

        self.check("corpAccessToken: a new token each time", corp_token_is_new_each_time)
        passed = sum(1 for result in self.results if result["ok"])
        print(json.dumps({"passed": passed, "total": len(self.results)}), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url", required=True)
    parser.add_argument("--token", required=True)
    parser.add_argument("--suite", nargs=4, required=True, metavar=("KEY", "SECRET", "CORP", "TICKET"))
    parser.add_argument("--language", default="en")
    args = parser.parse_args()
    Checks(args.url, args.token, args.suite, args.language).run()


if __name__ == "__main__":
    main()
