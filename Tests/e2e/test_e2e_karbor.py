"""python-karborclient, the OpenStack Karbor client whose v1 API CSBS
inherits, against `ckpt serve --token TOKEN`, unmodified, as a new user
would try it (SPEC 6.1, 6.7): checkpoints.list (plan_id, start_date and
end_date, limit and marker, sort), checkpoints.get, checkpoints.delete, and
checkpoints.create with the `extra-info` it always sends.

How the client is built with no Keystone: its endpoint is the service root
*with* the project, `{server}/v1/{project_id}`, because every path it sends
is relative (`/providers/{provider_id}/checkpoints...`); the token goes out
as `X-Auth-Token`.  Both of its constructions are tried: the plain
HTTPClient (`Client("1", endpoint, token=...)`) and the keystoneauth1
SessionClient (`Client("1", session=..., auth=...)` with a
`token_endpoint.Token` plugin).

karborclient reads an error body as `{"<kind>": {"message", "details"}}`.
The service's flat `{"error_code", "error_msg"}` body, which the emulator
keeps (SPEC 6.7), makes its `from_response` fail with AttributeError ('str'
object has no attribute 'get'): that is how every documented error reaches
a karborclient user, so the tests expect it and check the answer itself on
the wire, recorded under the client.  A 401 to the plain HTTPClient is the
exception: it raises AuthorizationFailure before reading the body.

The client is installed with pip when missing, as test_e2e_sdk.py installs
the official SDK; the module is skipped (with the reason) only when pip
cannot install it.  The data is made through libckpt's embedded backend on
the server's store (a simulated clock for dates in the past).
"""

from __future__ import annotations

import json
import time
from typing import Any, Callable, Dict, List, Optional, Sequence
from urllib.parse import parse_qsl, urlsplit

import pytest

import e2e_helpers as h
from e2e_helpers import CSBS_PROVIDER_ID as PROVIDER
from e2e_helpers import TOKEN, TOKEN2

#: The members of a v1 checkpoint (Karbor's CheckpointViewBuilder; SPEC 1).
V1_KEYS = {"id", "project_id", "status", "protection_plan", "resource_graph", "created_at", "extra_info"}
#: What Karbor stores when a create carries no `extra_info` (its server reads
#: `extra_info`, never the client's `extra-info`, so this is always the case).
MANUAL = {"created_by": "manual"}
WAIT = 20.0
KINDS = ["http-client", "session-client"]


def _import_karbor() -> Dict[str, Any]:
    import requests
    from karborclient import client
    from karborclient.common.apiclient import exceptions
    from keystoneauth1 import session, token_endpoint

    return {"client": client, "exceptions": exceptions, "session": session, "token_endpoint": token_endpoint,
            "requests": requests}


@pytest.fixture(scope="module")
def karbor() -> Dict[str, Any]:
    value, why = h.import_installing("python-karborclient", _import_karbor)
    if value is None:
        pytest.skip(why)
    return value


# ---------------------------------------------------------------------------
# The wire under the client


class Exchange:
    """One request karborclient sent and the answer it got, as on the wire."""

    def __init__(self, response: Any) -> None:
        sent = response.request
        url = urlsplit(sent.url)
        self.method: str = sent.method
        self.path: str = url.path
        self.query = parse_qsl(url.query, keep_blank_values=True)
        self.headers: Dict[str, str] = dict(sent.headers)
        self.body: Any = json.loads(sent.body) if sent.body else None
        self.status: int = response.status_code
        self.response_headers = {k.lower(): v for k, v in response.headers.items()}
        self.content: bytes = response.content

    @property
    def json(self) -> Any:
        return json.loads(self.content.decode("utf-8"))

    def __repr__(self) -> str:
        return f"Exchange({self.method} {self.path} {self.query} -> {self.status} {self.content[:300]!r})"


@pytest.fixture
def wire(karbor: Dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> List[Exchange]:
    """Every exchange of the test's karborclient calls.  Both of its HTTP
    layers (requests.request and keystoneauth1's session) end in
    requests.Session.request."""
    exchanges: List[Exchange] = []
    session_class = karbor["requests"].sessions.Session
    real = session_class.request

    def recording(self: Any, method: str, url: str, *args: Any, **kwargs: Any) -> Any:
        response = real(self, method, url, *args, **kwargs)
        exchanges.append(Exchange(response))
        return response

    monkeypatch.setattr(session_class, "request", recording)
    return exchanges


def make_client(karbor: Dict[str, Any], server: h.Serve, project: str, kind: str, token: str = TOKEN) -> Any:
    endpoint = f"{server.url}/v1/{project}"
    if kind == "http-client":
        return karbor["client"].Client("1", endpoint, token=token, timeout=30)
    auth = karbor["token_endpoint"].Token(endpoint, token)
    session = karbor["session"].Session(auth=auth, timeout=30)
    return karbor["client"].Client("1", session=session, auth=auth, service_type="data-protect")


@pytest.fixture(params=KINDS)
def kind(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
def kc(karbor: Dict[str, Any], server: h.Serve, project: str, kind: str, wire: List[Exchange]) -> Any:
    """A karborclient v1 Client on `server`, `project` and the first token."""
    return make_client(karbor, server, project, kind)


def check_answer(x: Exchange, status: int = 200) -> Any:
    """A JSON answer as karborclient needs it: it parses a body only when
    Content-Type holds application/json (and fails on a body without one)."""
    assert x.status == status, x
    assert "application/json" in x.response_headers.get("content-type", ""), x.response_headers
    assert h.REQUEST_ID.match(x.response_headers.get("x-request-id", "")), x.response_headers
    return x.json


def surfaced(wire: List[Exchange], call: Callable[[], Any]) -> Exchange:
    """Runs a karborclient call that meets an error answer; checks how
    karborclient surfaces it (module docstring) and returns that answer."""
    before = len(wire)
    with pytest.raises(AttributeError, match="'str' object has no attribute 'get'"):
        call()
    assert len(wire) > before
    return wire[-1]


def check_error(x: Exchange, status: int, code: str) -> str:
    """The service's flat error body, with X-Request-Id; returns error_msg.
    API Gateway's own errors (APIGW.*: authentication, unserved paths) also
    carry the request id in the body, as `request_id` (test_e2e_http.py)."""
    body = check_answer(x, status)
    keys = {"error_code", "error_msg"} | ({"request_id"} if code.startswith("APIGW.") else set())
    assert set(body) == keys and body["error_code"] == code, body
    if "request_id" in keys:
        assert body["request_id"] == x.response_headers["x-request-id"], (body, x.response_headers)
    assert isinstance(body["error_msg"], str) and body["error_msg"], body
    return body["error_msg"]


# ---------------------------------------------------------------------------
# Data, through the embedded backend on the server's store


def make_policy(local: Any, name: str, n: int = 1, project_id: Optional[str] = None) -> Dict[str, Any]:
    resources = [h.server_resource(name=f"{name}-{i}") for i in range(n)]
    return local(project_id=project_id).create_policy(name, resources=resources)["policy"]


def run_policy(local: Any, policy: Dict[str, Any], days_ago: int = 0, project_id: Optional[str] = None
               ) -> Dict[str, Any]:
    """policy.execute now, or `days_ago` days ago on the simulated clock.
    Calls must go oldest first: the store never lets created_at go back."""
    config: Dict[str, Any] = {"simulate": {"clock_offset_ms": -days_ago * h.DAY_MS}} if days_ago else {}
    return local(project_id=project_id, **config).execute_policy(policy["id"])["checkpoint"]


def ids(checkpoints: Sequence[Any]) -> List[str]:
    return [c.id for c in checkpoints]


def day(checkpoint: Dict[str, Any]) -> str:
    return checkpoint["created_at"][:10]


def shell_opts(**given: Any) -> Dict[str, Any]:
    """search_opts as `karbor checkpoint-list` builds them: the unset ones
    are there too, and karborclient drops every falsy value."""
    opts: Dict[str, Any] = {"plan_id": None, "start_date": None, "end_date": None, "project_id": None,
                            "all_tenants": 0}
    opts.update(given)
    return opts


def check_v1(cp: Dict[str, Any], project: str, policy: Dict[str, Any]) -> None:
    assert set(cp) == V1_KEYS, sorted(cp)
    assert cp["project_id"] == project
    plan = cp["protection_plan"]
    assert (plan["id"], plan["name"]) == (policy["id"], policy["name"]), plan
    assert [r["id"] for r in plan["resources"]] == [r["id"] for r in policy["resources"]], plan
    assert h.STORED_TIME.match(cp["created_at"]), cp["created_at"]
    # v1 extra_info is a JSON-encoded string (SPEC 1).
    assert isinstance(cp["extra_info"], str) and isinstance(json.loads(cp["extra_info"]), dict), cp["extra_info"]


def wait_status(kc: Any, checkpoint_id: str, status: str = "available") -> Any:
    deadline = time.monotonic() + WAIT
    while True:
        got = kc.checkpoints.get(PROVIDER, checkpoint_id)
        if got.status == status:
            return got
        assert got.status == "protecting" and time.monotonic() < deadline, got.to_dict()
        time.sleep(0.1)


# ---------------------------------------------------------------------------
# The requests karborclient sends


def test_requests_as_sent_and_tokens(karbor: Dict[str, Any], kc: Any, kind: str, wire: List[Exchange],
                                     server: h.Serve, project: str, local: Any) -> None:
    policy = make_policy(local, "headers")
    cp = run_policy(local, policy)
    assert ids(kc.checkpoints.list(PROVIDER, search_opts=shell_opts(plan_id=policy["id"]), limit=5,
                                   sort="created_at:desc")) == [cp["id"]]
    x = wire[-1]
    assert (x.method, x.path) == ("GET", f"/v1/{project}/providers/{PROVIDER}/checkpoints")
    assert x.query == [("limit", "5"), ("plan_id", policy["id"]), ("sort", "created_at:desc")]
    # Its headers: a token, its User-Agent, and a JSON Content-Type even on a
    # GET without a body, which the server must not refuse.
    assert x.headers["X-Auth-Token"] == TOKEN and x.headers["User-Agent"] == "python-karborclient"
    assert x.headers["Content-Type"] == "application/json" and x.body is None
    assert "Authorization" not in x.headers
    assert set(check_answer(x)) == {"checkpoints"}  # one page: no checkpoints_links

    assert make_client(karbor, server, project, kind, TOKEN2).checkpoints.get(PROVIDER, cp["id"]).id == cp["id"]
    assert wire[-1].headers["X-Auth-Token"] == TOKEN2

    wrong = make_client(karbor, server, project, kind, "wrong-" + TOKEN)
    if kind == "http-client":
        with pytest.raises(karbor["exceptions"].AuthorizationFailure):
            wrong.checkpoints.get(PROVIDER, cp["id"])
        x = wire[-1]
    else:
        x = surfaced(wire, lambda: wrong.checkpoints.get(PROVIDER, cp["id"]))
    message = check_error(x, 401, "APIGW.0301")
    assert TOKEN not in message


# ---------------------------------------------------------------------------
# checkpoints.list


def test_list_filters_by_plan_and_dates(kc: Any, wire: List[Exchange], project: str, local: Any) -> None:
    nightly = make_policy(local, "nightly")
    weekly = make_policy(local, "weekly")
    # Oldest first (created_at never goes back in a store).
    made = [run_policy(local, nightly, 2), run_policy(local, nightly, 1), run_policy(local, weekly, 1),
            run_policy(local, nightly), run_policy(local, weekly)]
    other_project = project + "x"
    stranger = run_policy(local, make_policy(local, "nightly", project_id=other_project), project_id=other_project)
    policies = {nightly["id"]: nightly, weekly["id"]: weekly}

    def expected(plan: Optional[str] = None, start: Optional[str] = None, end: Optional[str] = None) -> List[str]:
        """Newest first; both dates inclusive, on the UTC day of created_at."""
        return [c["id"] for c in reversed(made)
                if (plan is None or c["protection_plan"]["id"] == plan)
                and (start is None or day(c) >= start) and (end is None or day(c) <= end)]

    listed = kc.checkpoints.list(PROVIDER)
    assert ids(listed) == expected() and stranger["id"] not in ids(listed)
    raw = check_answer(wire[-1])
    assert set(raw) == {"checkpoints"}
    for item, cp in zip(raw["checkpoints"], reversed(made)):
        check_v1(item, project, policies[cp["protection_plan"]["id"]])
        assert item["status"] == "available"
    # The list and the show agree, item for item.
    assert [kc.checkpoints.get(PROVIDER, c.id).to_dict() for c in listed] == raw["checkpoints"]

    def listed_ids(**opts: Any) -> List[str]:
        got = ids(kc.checkpoints.list(PROVIDER, search_opts=shell_opts(**opts)))
        sent = dict(wire[-1].query)
        assert sent == {k: v for k, v in opts.items() if v}, wire[-1]
        return got

    assert listed_ids(plan_id=nightly["id"]) == expected(nightly["id"]) and len(expected(nightly["id"])) == 3
    assert listed_ids(plan_id=weekly["id"]) == expected(weekly["id"]) and len(expected(weekly["id"])) == 2
    assert listed_ids(plan_id=h.new_id()) == []

    oldest, yesterday, today = day(made[0]), day(made[1]), day(made[3])
    assert oldest < yesterday < today
    # start_date alone: from that day on.
    assert listed_ids(start_date=yesterday) == expected(start=yesterday) and len(expected(start=yesterday)) == 4
    assert listed_ids(start_date=today) == expected(start=today)
    # start_date and end_date: both ends inclusive.
    assert listed_ids(start_date=oldest, end_date=yesterday) == expected(start=oldest, end=yesterday)
    assert len(expected(start=oldest, end=yesterday)) == 3
    assert listed_ids(start_date=yesterday, end_date=yesterday) == expected(start=yesterday, end=yesterday)
    assert listed_ids(plan_id=nightly["id"], start_date=yesterday) == expected(nightly["id"], start=yesterday)
    assert len(expected(nightly["id"], start=yesterday)) == 2
    assert listed_ids(start_date="2999-01-01") == []

    x = surfaced(wire, lambda: kc.checkpoints.list(PROVIDER, search_opts={"start_date": "2024/01/02"}))
    assert "start_date" in check_error(x, 400, "CSBS.9001")


def test_list_paging_and_sort(kc: Any, wire: List[Exchange], server: h.Serve, local: Any) -> None:
    policy = make_policy(local, "paged")
    made = [run_policy(local, policy) for _ in range(5)]
    order = [c["id"] for c in reversed(made)]  # the default sort: created_at, newest first
    assert ids(kc.checkpoints.list(PROVIDER)) == order

    # limit and marker, until an empty page: no repeats, no gaps, and a
    # `next` link while (and only while) another page exists.
    walked: List[str] = []
    sizes: List[int] = []
    marker = None
    for _ in range(10):
        page = kc.checkpoints.list(PROVIDER, marker=marker, limit=2)
        raw = check_answer(wire[-1])
        sizes.append(len(page))
        if not page:
            assert raw == {"checkpoints": []}
            break
        walked += ids(page)
        marker = page[-1].id
        if len(walked) == len(order):
            assert "checkpoints_links" not in raw, raw
            continue
        links = raw["checkpoints_links"]
        assert len(links) == 1 and links[0]["rel"] == "next", links
        href = urlsplit(links[0]["href"])
        assert dict(parse_qsl(href.query))["marker"] == marker, links
        # The link leads to the next page.
        followed = h.request(server.port, "GET", f"{href.path}?{href.query}", None, {"X-Auth-Token": TOKEN})
        assert followed.status == 200, followed
        assert [c["id"] for c in followed.json["checkpoints"]] == order[len(walked):len(walked) + 2]
    assert walked == order and sizes == [2, 2, 1, 0]

    # A full page that is the last one has no link.
    assert ids(kc.checkpoints.list(PROVIDER, limit=5)) == order
    assert "checkpoints_links" not in check_answer(wire[-1])
    assert ids(kc.checkpoints.list(PROVIDER, limit=4)) == order[:4]
    assert "checkpoints_links" in check_answer(wire[-1])

    # sort, as karborclient formats it: key[:dir],...
    oldest_first = list(reversed(order))
    assert ids(kc.checkpoints.list(PROVIDER, sort="created_at:asc")) == oldest_first
    assert wire[-1].query == [("sort", "created_at:asc")]
    assert ids(kc.checkpoints.list(PROVIDER, sort="created_at:asc", limit=2, marker=oldest_first[1])) == \
        oldest_first[2:4]
    assert ids(kc.checkpoints.list(PROVIDER, sort="created_at:desc", marker=order[3])) == order[4:]
    assert ids(kc.checkpoints.list(PROVIDER, sort="id:asc")) == sorted(order)
    assert ids(kc.checkpoints.list(PROVIDER, sort="id:desc")) == sorted(order, reverse=True)
    # Every status is the same: the tie breaks on id, in the sort's direction.
    assert ids(kc.checkpoints.list(PROVIDER, sort="status:asc")) == sorted(order)
    assert ids(kc.checkpoints.list(PROVIDER, sort=[("status", "desc"), ("created_at", "asc")])) == oldest_first
    assert wire[-1].query == [("sort", "status:desc,created_at:asc")]

    # Bad paging parameters (SPEC 6.2), in the v1 family's code.
    for bad, field in (({"limit": "0"}, "limit"), ({"limit": 1001}, "limit"), ({"limit": "two"}, "limit"),
                       ({"marker": "not-an-id"}, "marker")):
        x = surfaced(wire, lambda: kc.checkpoints.list(PROVIDER, **bad))
        assert field in check_error(x, 400, "CSBS.9001"), (bad, x)


def test_list_with_an_unknown_marker(kc: Any, wire: List[Exchange], local: Any) -> None:
    """A marker that names no checkpoint (never made, or deleted since the
    page was read) is a bad parameter, in the v1 family's code as the other
    paging errors are."""
    run_policy(local, make_policy(local, "marked"))
    x = surfaced(wire, lambda: kc.checkpoints.list(PROVIDER, marker=h.new_id(), limit=2))
    assert "marker" in check_error(x, 400, "CSBS.9001"), x


# ---------------------------------------------------------------------------
# checkpoints.get and checkpoints.delete


def test_get_then_delete(karbor: Dict[str, Any], kc: Any, kind: str, wire: List[Exchange], server: h.Serve,
                         project: str, local: Any) -> None:
    policy = make_policy(local, "pruned", n=2)
    keep, gone = run_policy(local, policy), run_policy(local, policy)

    got = kc.checkpoints.get(PROVIDER, gone["id"])
    x = wire[-1]
    assert (x.method, x.path, x.query) == ("GET", f"/v1/{project}/providers/{PROVIDER}/checkpoints/{gone['id']}", [])
    assert set(check_answer(x)) == {"checkpoint"}
    check_v1(got.to_dict(), project, policy)
    assert got.id == gone["id"] and got.status == "available"
    assert got.to_dict() == local().get_policy_checkpoint(gone["id"])["checkpoint"]
    assert local().call("backup.list", {"checkpoint_id": gone["id"]})["count"] == 2

    assert kc.checkpoints.delete(PROVIDER, gone["id"]) is None
    x = wire[-1]
    assert (x.method, x.path) == ("DELETE", f"/v1/{project}/providers/{PROVIDER}/checkpoints/{gone['id']}")
    assert check_answer(x) == {}  # Karbor and CSBS: 200 {}
    # The service deletes asynchronously: `deleting` for a while, then not found.
    deadline = time.monotonic() + WAIT
    while True:
        try:
            still = kc.checkpoints.get(PROVIDER, gone["id"])
        except AttributeError as e:  # how karborclient meets the flat error body
            assert "'str' object has no attribute 'get'" in str(e)
            break
        assert still.status == "deleting" and time.monotonic() < deadline, still.to_dict()
        time.sleep(0.1)
    assert gone["id"] in check_error(wire[-1], 404, "CSBS.3001")
    listed = kc.checkpoints.list(PROVIDER)
    assert ids(listed) == [keep["id"]]
    # Its backups went with it; the other checkpoint is untouched.
    assert local().call("backup.list", {"checkpoint_id": gone["id"]})["count"] == 0
    assert local().call("backup.list", {"checkpoint_id": keep["id"]})["count"] == 2
    assert kc.checkpoints.get(PROVIDER, keep["id"]).status == "available"

    # Deleting it again, or an id never made: 404 CSBS.3001, as for get.
    for missing in (gone["id"], h.new_id()):
        x = surfaced(wire, lambda: kc.checkpoints.delete(PROVIDER, missing))
        assert x.method == "DELETE" and missing in check_error(x, 404, "CSBS.3001")
    # Another project's checkpoint is not found there, and stays.
    stranger = make_client(karbor, server, project + "x", kind)
    x = surfaced(wire, lambda: stranger.checkpoints.delete(PROVIDER, keep["id"]))
    check_error(x, 404, "CSBS.3001")
    check_error(surfaced(wire, lambda: stranger.checkpoints.get(PROVIDER, keep["id"])), 404, "CSBS.3001")
    assert kc.checkpoints.get(PROVIDER, keep["id"]).id == keep["id"]
    # A provider that is not CSBS's.
    x = surfaced(wire, lambda: kc.checkpoints.delete(h.new_id(), keep["id"]))
    assert "provider" in check_error(x, 400, "CSBS.9001")


# ---------------------------------------------------------------------------
# checkpoints.create


def test_create_with_extra_info(kc: Any, wire: List[Exchange], project: str, local: Any) -> None:
    policy = make_policy(local, "from-karbor", n=2)

    created = kc.checkpoints.create(PROVIDER, policy["id"])
    x = wire[-1]
    assert (x.method, x.path) == ("POST", f"/v1/{project}/providers/{PROVIDER}/checkpoints")
    # What karborclient sends: `extra-info` always (null here), `parameters` never.
    assert x.body == {"checkpoint": {"plan_id": policy["id"], "extra-info": None}}
    assert set(check_answer(x)) == {"checkpoint"}
    check_v1(created.to_dict(), project, policy)
    assert created.status == "protecting"
    assert json.loads(created.extra_info) == MANUAL
    # Every resource of the policy is backed up, as for policy.execute.
    done = wait_status(kc, created.id)
    assert done.created_at == created.created_at
    assert local().get_policy_checkpoint(created.id)["checkpoint"]["status"] == "available"
    assert local().call("backup.list", {"checkpoint_id": created.id})["count"] == 2

    # With an extra-info object (what `karbor checkpoint-create --extra_info k=v` sends).
    second = kc.checkpoints.create(PROVIDER, policy["id"], {"note": "from karbor", "empty": None})
    assert wire[-1].body == {"checkpoint": {"plan_id": policy["id"],
                                            "extra-info": {"note": "from karbor", "empty": None}}}
    check_v1(second.to_dict(), project, policy)
    assert second.id != created.id and json.loads(second.extra_info) == MANUAL
    wait_status(kc, second.id)
    assert ids(kc.checkpoints.list(PROVIDER, search_opts=shell_opts(plan_id=policy["id"]))) == [second.id, created.id]

    # extra-info that is not an object; a plan that does not exist; a provider that is not CSBS's.
    x = surfaced(wire, lambda: kc.checkpoints.create(PROVIDER, policy["id"], "note=x"))
    assert wire[-1].body["checkpoint"]["extra-info"] == "note=x"
    assert "extra-info" in check_error(x, 400, "CSBS.9001")
    missing = h.new_id()
    x = surfaced(wire, lambda: kc.checkpoints.create(PROVIDER, missing))
    assert missing in check_error(x, 404, "CSBS.3002")
    x = surfaced(wire, lambda: kc.checkpoints.create(h.new_id(), policy["id"]))
    assert "provider" in check_error(x, 400, "CSBS.9001")
    assert ids(kc.checkpoints.list(PROVIDER)) == [second.id, created.id]


# ---------------------------------------------------------------------------
# Paths of karborclient that the emulator does not serve


def test_unserved_paths_answer_501(kc: Any, wire: List[Exchange], project: str, local: Any) -> None:
    """karborclient calls that reach a real CSBS/Karbor path the emulator
    leaves out read 501 APIGW.0101, never a 404 (SPEC 6.7)."""
    cp = run_policy(local, make_policy(local, "unserved"))
    for call, method, path in (
        (lambda: kc.providers.get(PROVIDER), "GET", f"/v1/{project}/providers/{PROVIDER}"),
        (lambda: kc.checkpoints.reset_state(PROVIDER, cp["id"], "available"), "PUT",
         f"/v1/{project}/providers/{PROVIDER}/checkpoints/{cp['id']}"),
    ):
        x = surfaced(wire, call)
        assert (x.method, x.path) == (method, path)
        assert "not implemented by this emulator" in check_error(x, 501, "APIGW.0101")
