#!/usr/bin/python3
"""Checks what promtool alone does not: the shipped Grafana dashboard's queries parse as PromQL, and every alerting
rule of monitoring/prometheus/alerts.yml has a promtool test where it fires and one where it stays silent.

Each dashboard query, with Grafana's variables put in ($__rate_interval → 5m, $job/$instance → .*), becomes a
recording rule of a temporary rules file that `promtool check rules` parses. (Whether the metrics the queries and
rules name are exported is SaltApiBridge.Tests' ShippedMonitoringTests, against a running daemon.)

Run with Debian's interpreter (python3-yaml) and promtool (Debian's prometheus package):
    /usr/bin/python3 tests/monitoring/check_dashboard_queries.py
Prints one line per case (`ok  name` / `FAIL name: reason`), then `N passed, M failed`; exits 1 on failure.
"""

import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
DASHBOARD = ROOT / "monitoring" / "grafana" / "saltapibridge.json"
RULES = ROOT / "monitoring" / "prometheus" / "alerts.yml"
RULE_TESTS = ROOT / "monitoring" / "prometheus" / "alerts.test.yml"

results = []


def case(name, problem):
    results.append((name, problem))
    print(f"ok  {name}" if problem is None else f"FAIL {name}: {problem}")


def panels(items):
    for panel in items:
        yield panel
        yield from panels(panel.get("panels", []))


def dashboard_queries(dashboard):
    for panel in panels(dashboard["panels"]):
        for target in panel.get("targets", []):
            yield panel["title"], target["expr"]
    for variable in dashboard["templating"]["list"]:
        query = variable.get("query")
        if variable.get("type") == "query":
            text = query["query"] if isinstance(query, dict) else query
            # label_values(<selector>, label): the selector is PromQL.
            match = re.fullmatch(r"label_values\((.*),\s*\w+\)", text.strip())
            yield f"variable {variable['name']}", match.group(1) if match else text


def grafana_to_promql(expr):
    expr = expr.replace("$__rate_interval", "5m").replace("$__interval", "1m")
    return re.sub(r"\$\{?\w+\}?", ".*", expr)


def check_queries():
    dashboard = json.loads(DASHBOARD.read_text())
    queries = list(dashboard_queries(dashboard))
    rules = {"groups": [{"name": "dashboard", "rules": [
        {"record": f"dashboard:query_{i}", "expr": grafana_to_promql(expr)} for i, (_, expr) in enumerate(queries)]}]}
    with tempfile.NamedTemporaryFile("w", suffix=".yml") as file:
        yaml.safe_dump(rules, file)
        file.flush()
        checked = subprocess.run(["promtool", "check", "rules", file.name], capture_output=True, text=True)
    case(f"the dashboard's {len(queries)} queries parse as PromQL",
         None if checked.returncode == 0 else (checked.stdout + checked.stderr).strip())
    unvaried = [title for title, expr in queries if "saltapibridge_" in expr and not title.startswith("variable")
                and ('job=~"$job"' not in expr or 'instance=~"$instance"' not in expr)]
    case("every panel query filters on $job and $instance", None if not unvaried else ", ".join(unvaried))
    fixed = [panel["title"] for panel in panels(dashboard["panels"])
             if panel.get("type") != "row" and panel.get("datasource", {}).get("uid") != "${datasource}"]
    case("every panel's datasource is the $datasource variable", None if not fixed else ", ".join(fixed))


def check_rule_tests():
    alerts = [rule["alert"] for group in yaml.safe_load(RULES.read_text())["groups"] for rule in group["rules"] if "alert" in rule]
    tests = yaml.safe_load(RULE_TESTS.read_text())["tests"]
    evaluations = [e for test in tests for e in test.get("alert_rule_test", [])]
    for alert in alerts:
        fires = any(e["alertname"] == alert and e.get("exp_alerts") for e in evaluations)
        silent = any(e["alertname"] == alert and not e.get("exp_alerts") for e in evaluations)
        missing = [what for what, present in (("one where it fires", fires), ("one where it stays silent", silent)) if not present]
        case(f"rule {alert} has promtool tests", None if not missing else "no test " + " nor ".join(missing))


def main():
    check_queries()
    check_rule_tests()
    failed = sum(1 for _, problem in results if problem is not None)
    print(f"{len(results) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
