"""`omaudit lab serve|fidelity` and `omaudit demo`: the OpenMetadata emulator, for tests and a first look."""

from __future__ import annotations

import json
import os
import signal
import sys
import tempfile
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from auditor import plan
from auditor.cli.app import EXIT_OK, app, lab_app
from auditor.cli.run import execute_scan
from auditor.common.errors import InputError
from auditor.plan import Gate, build_target

if TYPE_CHECKING:
    pass


DEMO_EXAMPLES = """Examples:

\b
  omaudit demo
  omaudit demo --scenario hardened --scenario sso-leftovers"""



def _stop_on_signal() -> threading.Event:
    """Install the stop handlers before the ready line is printed, so a prompt SIGTERM is a clean stop."""
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    return stop


# Named here, not read from auditor.lab at import: `omaudit --version` and `--help` never import the lab
# (a test keeps this list equal to the lab's scenarios).
SCENARIO_NAMES = ("insecure-defaults", "sso-leftovers", "seed-walkthrough", "legacy-1.2", "hardened", "renamed-domain",
                  "injection", "confidential-helm", "hostile")


@lab_app.command("serve")
def lab_serve(scenario: Annotated[str, typer.Option("--scenario", help="Scenario name: "
                                                    + ", ".join(SCENARIO_NAMES) + ".")] = "insecure-defaults",
              port: Annotated[int, typer.Option("--port", help="Port for OpenMetadata (0: any free port).")] = 0,
              latency_ms: Annotated[int, typer.Option("--latency-ms", help="Delay every answer, OpenMetadata's "
                                                      "and moto's, by this many ms (benchmarks).")] = 0,
              release: Annotated[str | None, typer.Option("--release", help="Serve the scenario as this release "
                                                          "profile does (see docs/fidelity.md).")] = None,
              ) -> int:
    """Serve one scenario on 127.0.0.1; print one JSON line when ready; stop on SIGINT/SIGTERM."""
    # lazy: scans never load the lab (its HTTP servers, moto)
    from auditor.lab.hostile import HostileServer
    from auditor.lab.releases import RELEASES
    from auditor.lab.scenarios import SCENARIOS, on_release
    from auditor.lab.server import LabServer

    names = [*SCENARIOS, "hostile"]
    if scenario not in names:
        raise InputError(f"unknown scenario {scenario!r} (choose from {', '.join(names)})")
    if release is not None and release not in RELEASES:
        raise InputError(f"unknown release {release!r} (choose from {', '.join(RELEASES)})")
    if not 0 <= latency_ms <= 10_000:
        raise InputError("--latency-ms must be between 0 and 10000")
    stop = _stop_on_signal()
    try:
        server: LabServer | HostileServer = (
            HostileServer(port=port) if scenario == "hostile"
            else LabServer(on_release(SCENARIOS[scenario], RELEASES[release]) if release else SCENARIOS[scenario],
                           port=port, latency=latency_ms / 1000)).start()
    except OSError as exc:
        raise InputError(f"cannot listen on 127.0.0.1:{port}: {exc.strerror}") from None
    # lazy: scans never load the lab (its HTTP servers, moto)
    from auditor.lab.cognito import LAB_KEY, REGION

    # The environment a scan of the lab needs: moto takes any credentials, but boto3 sends none without
    # them ("no AWS credentials found" on every Cognito row, issue 24).
    aws_env = {"AWS_ACCESS_KEY_ID": LAB_KEY, "AWS_SECRET_ACCESS_KEY": LAB_KEY, "AWS_DEFAULT_REGION": REGION,
               "AWS_ENDPOINT_URL": server.aws_endpoint_url} if server.aws_endpoint_url else {}
    print(json.dumps({"scenario": scenario, "om_url": server.url, "aws_endpoint_url": server.aws_endpoint_url,
                      "admin_token": server.admin_token, "aws_env": aws_env}), flush=True)
    try:
        stop.wait()
    finally:
        server.stop()
    return EXIT_OK


@lab_app.command("fidelity")
def lab_fidelity() -> int:
    """Print docs/fidelity.md: the lab's behaviour by OpenMetadata release, with sources."""
    # lazy: scans never load the lab (its HTTP servers, moto)
    from auditor.lab.releases import fidelity_markdown

    sys.stdout.write(fidelity_markdown())
    return EXIT_OK


DEMO_SCENARIOS = ("insecure-defaults", "seed-walkthrough")


@app.command(epilog=DEMO_EXAMPLES)
def demo(scenario: Annotated[list[str] | None, typer.Option("--scenario", metavar="<name>",
                                                                help="Lab scenario(s) to scan "
                                                            "(default: insecure-defaults and seed-walkthrough).")]
         = None) -> int:
    """Start the lab in-process, scan it as a user would (--active, admin token), write reports/."""
    # lazy: scans never load the lab (its HTTP servers, moto)
    from auditor.lab.scenarios import SCENARIOS
    from auditor.lab.server import LabServer
    from auditor.render import renderers

    names = scenario or list(DEMO_SCENARIOS)
    for name in names:
        if name not in SCENARIOS:
            raise InputError(f"unknown scenario {name!r} (choose from {', '.join(SCENARIOS)})")
    aws_env = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_EC2_METADATA_DISABLED": "true"}
    os.environ.update({k: v for k, v in aws_env.items() if k not in os.environ})
    # The lab's servers live only for this command: their probe records go to a folder of its own.
    state = Path(tempfile.mkdtemp(prefix="omaudit-demo-state-"))
    for name in names:
        with LabServer(SCENARIOS[name]) as server:
            typer.echo(f"demo: lab scenario {name!r}: OpenMetadata at {server.url}"
                       + (f", Cognito (moto) at {server.aws_endpoint_url}" if server.aws_endpoint_url else ""),
                       err=True)
            target = build_target(server.url, token=server.admin_token, active=True,
                                  endpoint=server.aws_endpoint_url, state_dir=state)
            code = execute_scan(plan.ScanPlan(targets=[target], rules=plan.load_selected(None, None, None),
                                              gate=Gate(), formats=plan.check_formats(list(renderers()))),
                                output_dir=None)
        typer.echo(f"demo: the scan of {name!r} exited {code} (1 = failing findings, as this scenario should have)",
                   err=True)
    return EXIT_OK


