"""backup.prune's retention rules, as properties (hypothesis).

Random backup histories over simulated time (``simulate.clock_offset_ms``:
one client per step on one store file, moving forward by minutes to weeks,
across months and ISO-week and year boundaries) and random keep rules,
checked against a reference model written here from the rules' definitions
(SPEC 6.1, restic forget), not from the library's algorithm.
"""

from __future__ import annotations

import datetime
import random
import tempfile
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Dict, Hashable, List, Optional, Tuple

import pytest

from support import client_at, import_ckpt, parse_time, server

ckpt = import_ckpt()
hypothesis = pytest.importorskip("hypothesis")
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

UTC = datetime.timezone.utc
RULES = ("keep_last", "keep_daily", "keep_weekly", "keep_monthly", "keep_within_days")
PROPERTY = settings(max_examples=25, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


# -- the reference model ---------------------------------------------------------------------------

def _day(t: datetime.datetime) -> Tuple[Hashable, str]:
    return t.date(), f"daily {t:%Y-%m-%d}"


def _week(t: datetime.datetime) -> Tuple[Hashable, str]:
    year, week, _ = t.isocalendar()
    return (year, week), f"weekly {year:04d}-W{week:02d}"


def _month(t: datetime.datetime) -> Tuple[Hashable, str]:
    return (t.year, t.month), f"monthly {t.year:04d}-{t.month:02d}"


PERIODS: List[Tuple[str, Callable[[datetime.datetime], Tuple[Hashable, str]]]] = [
    ("keep_daily", _day), ("keep_weekly", _week), ("keep_monthly", _month),
]


def expected_plan(backups: List[Dict[str, Any]], vault_id: str, rules: Dict[str, Optional[int]],
                  resource_id: Optional[str] = None) -> Tuple[Dict[str, List[str]], set]:
    """What a prune of `vault_id` keeps ({id: reasons}) and removes ({ids}).

    Only the vault's `available` backups are judged, each resource's apart:
    keep_last N keeps the N newest; keep_daily/weekly/monthly N keep, of the
    N most recent UTC days / ISO weeks / months that have a backup, the
    newest backup of each; keep_within_days D keeps every backup made
    strictly after the newest one's time minus D days.  Reasons come in
    that order of the rules.
    """
    judged = [b for b in backups if b["vault_id"] == vault_id and b["status"] == "available"
              and (resource_id is None or b["resource_id"] == resource_id)]
    by_resource: Dict[str, List[Dict[str, Any]]] = defaultdict(list)
    for b in judged:
        by_resource[b["resource_id"]].append(b)
    reasons: Dict[str, List[str]] = defaultdict(list)
    for items in by_resource.values():
        newest_first = sorted(items, key=lambda b: parse_time(b["created_at"]), reverse=True)
        if rules.get("keep_last"):
            for b in newest_first[:rules["keep_last"]]:
                reasons[b["id"]].append("last")
        for rule, period in PERIODS:
            n = rules.get(rule)
            if not n:
                continue
            groups: Dict[Hashable, List[Dict[str, Any]]] = defaultdict(list)
            for b in items:
                groups[period(parse_time(b["created_at"]))[0]].append(b)
            for bucket in sorted(groups, reverse=True)[:n]:
                newest = max(groups[bucket], key=lambda b: parse_time(b["created_at"]))
                reasons[newest["id"]].append(period(parse_time(newest["created_at"]))[1])
        days = rules.get("keep_within_days")
        if days:
            threshold = parse_time(newest_first[0]["created_at"]) - datetime.timedelta(days=days)
            for b in newest_first:
                if parse_time(b["created_at"]) > threshold:
                    reasons[b["id"]].append(f"within {days} days")
    keep = {i: r for i, r in reasons.items()}
    return keep, {b["id"] for b in judged} - set(keep)


# -- histories -------------------------------------------------------------------------------------

@dataclass
class Step:
    gap: datetime.timedelta
    resources: List[int]  # indexes into the vault's resources
    fail: bool  # the first of them fails (an error backup, never judged)
    other_vault: bool  # also back up the other vault


@dataclass
class Scenario:
    start: datetime.datetime
    n_resources: int
    steps: List[Step]
    rules: Dict[str, Optional[int]]
    resource: Optional[int]  # the prune's resource_id filter
    path: str = ""
    vault: Dict[str, Any] = field(default_factory=dict)
    resources: List[Dict[str, Any]] = field(default_factory=list)


starts = st.one_of(
    # Late in a year: the ISO weeks and the months turn over soon.
    st.builds(lambda y, d, h: datetime.datetime(y, 12, d, h, tzinfo=UTC),
              st.integers(2015, 2032), st.integers(10, 31), st.integers(0, 23)),
    st.datetimes(min_value=datetime.datetime(2001, 1, 1), max_value=datetime.datetime(2034, 1, 1))
    .map(lambda d: d.replace(tzinfo=UTC)),
)


def random_steps(rng: random.Random, n_resources: int, count: int) -> List[Step]:
    """`count` steps with irregular gaps: minutes, hours, days or weeks."""
    steps = []
    for _ in range(count):
        kind = rng.choice(("minutes", "hours", "days", "weeks"))
        gap = {
            "minutes": lambda: datetime.timedelta(minutes=rng.randint(1, 240)),
            "hours": lambda: datetime.timedelta(hours=rng.randint(1, 47), minutes=rng.randint(0, 59)),
            "days": lambda: datetime.timedelta(days=rng.randint(1, 12), minutes=rng.randint(0, 1439)),
            "weeks": lambda: datetime.timedelta(weeks=rng.randint(1, 6), minutes=rng.randint(0, 1439)),
        }[kind]()
        chosen = rng.sample(range(n_resources), rng.randint(1, n_resources))
        steps.append(Step(gap, chosen, fail=rng.random() < 0.1, other_vault=rng.random() < 0.15))
    return steps


@st.composite
def scenarios(draw: Any) -> Scenario:
    n = draw(st.integers(1, 3))
    # The history from a seed: far more varied than 25 examples of a list
    # strategy would be (and still reproducible from the failing example).
    steps = random_steps(random.Random(draw(st.integers(0, 2**32 - 1))), n, draw(st.integers(8, 30)))
    rules: Dict[str, Optional[int]] = {
        "keep_last": draw(st.none() | st.integers(1, 4)),
        "keep_daily": draw(st.none() | st.integers(1, 5)),
        "keep_weekly": draw(st.none() | st.integers(1, 4)),
        "keep_monthly": draw(st.none() | st.integers(1, 3)),
        "keep_within_days": draw(st.none() | st.integers(1, 21)),
    }
    if all(v is None for v in rules.values()):
        rules[draw(st.sampled_from(RULES))] = draw(st.integers(1, 4))
    resource = draw(st.none() | st.integers(0, n - 1))
    return Scenario(draw(starts), n, steps, rules, resource)


def build(s: Scenario, directory: str) -> Scenario:
    """Makes the scenario's history in a fresh store under `directory`."""
    s.path = str(Path(directory) / "store.db")
    s.resources = [server(size=0, name=f"r{i}") for i in range(s.n_resources)]
    other = server(size=0, name="elsewhere")
    with client_at(ckpt, s.path, s.start - datetime.timedelta(minutes=1)) as c:
        s.vault = c.create_vault("pruned", size_gb=10, resources=s.resources)["vault"]
        other_vault = c.create_vault("other", size_gb=10, resources=[other])["vault"]
    when = s.start
    for step in s.steps:
        when += step.gap
        chosen = [s.resources[i]["id"] for i in step.resources]
        with client_at(ckpt, s.path, when, fail_resources=chosen[:1] if step.fail else []) as c:
            c.create_checkpoint(s.vault["id"], resources=chosen)
            if step.other_vault:
                c.create_checkpoint(other_vault["id"])
    return s


def listing(c: Any) -> List[Dict[str, Any]]:
    return list(c.iter_backups(sort="created_at:asc"))


def check_plan(plan: Dict[str, Any], backups: List[Dict[str, Any]], s: Scenario, dry_run: bool) -> None:
    resource_id = s.resources[s.resource]["id"] if s.resource is not None else None
    keep, remove = expected_plan(backups, s.vault["id"], s.rules, resource_id)
    assert plan["dry_run"] is dry_run
    got_keep = {k["id"]: k["reasons"] for k in plan["keep"]}
    assert len(got_keep) == len(plan["keep"])
    assert got_keep == keep
    assert len(plan["remove"]) == len(set(plan["remove"]))
    assert set(plan["remove"]) == remove
    by_id = {b["id"]: b for b in backups}
    for k in plan["keep"]:
        assert (k["resource_id"], k["created_at"]) == (by_id[k["id"]]["resource_id"], by_id[k["id"]]["created_at"])


def rules_of(s: Scenario) -> Dict[str, Any]:
    out: Dict[str, Any] = {k: v for k, v in s.rules.items() if v is not None}
    if s.resource is not None:
        out["resource_id"] = s.resources[s.resource]["id"]
    return out


# -- the properties --------------------------------------------------------------------------------

@PROPERTY
@given(scenarios())
def test_prune_follows_the_reference_model(s: Scenario) -> None:
    with tempfile.TemporaryDirectory() as directory:
        build(s, directory)
        with ckpt.Client(path=s.path) as c:
            before = listing(c)
            # A dry run reports the plan and deletes nothing.
            plan = c.prune_backups(s.vault["id"], dry_run=True, **rules_of(s))
            check_plan(plan, before, s, dry_run=True)
            assert listing(c) == before
            # No keep rule: refused, and nothing deleted.
            with pytest.raises(ckpt.InvalidRequestError) as info:
                c.prune_backups(s.vault["id"], resource_id=rules_of(s).get("resource_id"))
            assert info.value.error_code == "BackupService.9900"
            with pytest.raises(ckpt.InvalidRequestError):
                c.prune_backups(s.vault["id"], dry_run=True)
            assert listing(c) == before
            # The real prune: the same plan, and exactly the kept backups
            # (and those it does not judge) are left.
            done = c.prune_backups(s.vault["id"], **rules_of(s))
            check_plan(done, before, s, dry_run=False)
            after = listing(c)
            removed = set(done["remove"])
            assert [b["id"] for b in after] == [b["id"] for b in before if b["id"] not in removed]
            survivors = {b["id"] for b in after}
            assert {k["id"] for k in done["keep"]} <= survivors
            # Pruning again changes nothing: the kept set is a fixed point.
            again = c.prune_backups(s.vault["id"], dry_run=True, **rules_of(s))
            assert again["remove"] == []
            assert {k["id"]: k["reasons"] for k in again["keep"]} == {k["id"]: k["reasons"] for k in done["keep"]}
            # Each removal freed its backup and wrote a delete task.
            deletes = c.list_operation_logs(operation_type="delete")["operation_logs"]
            assert {l["extra_info"]["delete"]["backup_id"] for l in deletes} == removed


@PROPERTY
@given(scenarios(), st.sampled_from(RULES), st.integers(1, 3))
def test_one_rule_alone(s: Scenario, rule: str, n: int) -> None:
    """Each rule on its own (dry runs), against the model, and against
    the plain meaning of that rule per resource."""
    s.rules = {r: (n if r == rule else None) for r in RULES}
    s.resource = None
    with tempfile.TemporaryDirectory() as directory:
        build(s, directory)
        with ckpt.Client(path=s.path) as c:
            before = listing(c)
            plan = c.prune_backups(s.vault["id"], dry_run=True, **{rule: n})
            check_plan(plan, before, s, dry_run=True)
            kept = {k["id"] for k in plan["keep"]}
            for r in s.resources:
                mine = sorted((b for b in before if b["resource_id"] == r["id"] and b["status"] == "available"),
                              key=lambda b: b["created_at"], reverse=True)
                mine_kept = [b for b in mine if b["id"] in kept]
                if rule == "keep_last":
                    assert mine_kept == mine[:n]
                elif rule == "keep_within_days":
                    assert mine_kept == mine[:len(mine_kept)]  # a run of the newest
                    assert (not mine) or mine_kept[0] == mine[0]
                else:
                    # One per period, at most n, the newest first.
                    assert len(mine_kept) == min(n, len({dict(PERIODS)[rule](parse_time(b["created_at"]))[0]
                                                         for b in mine}))
                    assert (not mine) or mine_kept[0] == mine[0]


# -- fixed cases at the year boundary --------------------------------------------------------------

def test_iso_weeks_and_months_at_a_year_boundary(tmp_path: Path) -> None:
    path = str(tmp_path / "store.db")
    res = server(size=0)
    # Daily at 10:00 from Thursday 2020-12-24 to Wednesday 2021-01-06:
    # 2020-W52 ends on Sunday 12-27, 2020-W53 runs 12-28 to 2021-01-03.
    start = datetime.datetime(2020, 12, 24, 10, tzinfo=UTC)
    with client_at(ckpt, path, start - datetime.timedelta(hours=1)) as c:
        vault = c.create_vault("v", size_gb=10, resources=[res])["vault"]
    for day in range(14):
        # A minute later each day: no backup is exactly D days before another.
        with client_at(ckpt, path, start + datetime.timedelta(days=day, minutes=day)) as c:
            c.create_checkpoint(vault["id"])
    with ckpt.Client(path=path) as c:
        plan = c.prune_backups(vault["id"], keep_weekly=3, keep_monthly=3, keep_daily=2, dry_run=True)
        reasons = {k["created_at"][:10]: k["reasons"] for k in plan["keep"]}
        assert reasons == {
            "2021-01-06": ["daily 2021-01-06", "weekly 2021-W01", "monthly 2021-01"],
            "2021-01-05": ["daily 2021-01-05"],
            "2021-01-03": ["weekly 2020-W53"],
            "2020-12-31": ["monthly 2020-12"],
            "2020-12-27": ["weekly 2020-W52"],
        }
        assert len(plan["remove"]) == 14 - 5
        # keep_within_days counts back from the newest backup, not from now.
        within = c.prune_backups(vault["id"], keep_within_days=3, dry_run=True)
        assert sorted(k["created_at"][:10] for k in within["keep"]) == ["2021-01-04", "2021-01-05", "2021-01-06"]
        assert {r for k in within["keep"] for r in k["reasons"]} == {"within 3 days"}
