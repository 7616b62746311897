"""Whole-process benchmarks of golive against what a launch lead would use instead, on this machine.

Run by scripts/bench (which builds the release binary and the virtualenv first). Starts its own
moto_server, builds the fixture's well-configured account, then measures, several runs each:
  - a full `golive check` of the AWS-probed items vs the same kind of API calls made one after
    another with the `aws` CLI against the same server;
  - that sweep vs each AWS-probed item checked alone (how close to fully parallel);
  - start to first frame in a pseudo-terminal, and peak RSS, at 98 and at 10,000 items;
  - `golive export` of a fully answered default session.
Prints a table of medians (min-max) and writes BENCHMARKS.md with the criterion figures
(`cargo bench`, read from target/criterion) and the machine description.
"""
import fcntl
import json
import os
import pty
import re
import select
import shutil
import signal
import socket
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
VENV = os.path.join(ROOT, ".venv", "bin")
GOLIVE = os.path.join(ROOT, "target", "release", "golive")
GEN = os.path.join(ROOT, "target", "release", "examples", "gen_checklist")
RUNS = int(os.environ.get("GOLIVE_BENCH_RUNS", "7"))


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def start_moto():
    port = free_port()
    proc = subprocess.Popen([os.path.join(VENV, "moto_server"), "-H", "127.0.0.1", "-p", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    for _ in range(200):
        try:
            urllib.request.urlopen(url + "/moto-api/", timeout=1)
            return proc, url
        except Exception:
            time.sleep(0.1)
    sys.exit("moto_server did not start")


def timed(cmd, env=None, cwd=None):
    """Wall time of one run of cmd (seconds) and its exit status."""
    start = time.perf_counter()
    p = subprocess.run(cmd, env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start, p.returncode


def stats(samples):
    return statistics.median(samples), min(samples), max(samples)


def fmt_s(t):
    return f"{t * 1000:.0f} ms" if t < 10 else f"{t:.1f} s"


def row(name, samples, unit="s"):
    med, lo, hi = stats(samples)
    if unit == "s":
        return [name, fmt_s(med), f"{fmt_s(lo)} – {fmt_s(hi)}"]
    return [name, f"{med:.1f} {unit}", f"{lo:.1f} – {hi:.1f} {unit}"]


def aws_env(url, creds, home):
    env = {
        "PATH": os.environ["PATH"], "HOME": home,
        "AWS_ENDPOINT_URL": url, "AWS_REGION": "us-east-1", "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_ACCESS_KEY_ID": creds["AccessKeyId"], "AWS_SECRET_ACCESS_KEY": creds["SecretAccessKey"],
        "AWS_SESSION_TOKEN": creds["SessionToken"], "AWS_EC2_METADATA_DISABLED": "true",
        "AWS_CONFIG_FILE": "/nonexistent", "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent",
        "AWS_MAX_ATTEMPTS": "1", "XDG_STATE_HOME": os.path.join(home, "state"),
    }
    return env


def cli_calls(account):
    """The calls golive's AWS probes make on the good account, as `aws` CLI commands."""
    b, d = f"agent-trail-{account}", f"agent-data-{account}"
    c = [
        "sts get-caller-identity",
        "dynamodb list-tables", "dynamodb describe-table --table-name agent-sessions",
        "dynamodb describe-continuous-backups --table-name agent-sessions",
        "dynamodb describe-time-to-live --table-name agent-sessions",
        "logs describe-log-groups --log-group-name-prefix agent-",
        "logs filter-log-events --log-group-name agent-app --limit 50",
        "secretsmanager describe-secret --secret-id agent-service/api-key",
        "cloudtrail describe-trails", "cloudtrail get-trail-status --name agent-audit",
        "acm list-certificates",
        "application-autoscaling describe-scalable-targets --service-namespace dynamodb",
        "application-autoscaling describe-scaling-policies --service-namespace dynamodb",
        "iam list-role-policies --role-name agent-task",
        "iam list-attached-role-policies --role-name agent-task",
        "iam get-role-policy --role-name agent-task --policy-name agent-task-policy",
        "cloudwatch describe-alarms --alarm-name-prefix agent-", "cloudwatch list-dashboards",
        "cloudwatch list-metrics --namespace AgentService",
        "elbv2 describe-load-balancers", "elbv2 describe-target-groups",
        "s3api list-buckets", f"s3api get-bucket-encryption --bucket {d}",
        f"s3api get-bucket-lifecycle-configuration --bucket {d}",
        f"s3api get-bucket-encryption --bucket {b}",
        f"s3api get-bucket-lifecycle-configuration --bucket {b}",
        "resourcegroupstaggingapi get-resources",
        f"budgets describe-budgets --account-id {account}",
        f"budgets describe-notifications-for-budget --account-id {account} --budget-name launch",
        "xray get-trace-summaries --start-time 2026-11-24T00:00:00Z --end-time 2026-11-25T00:00:00Z",
    ]
    return [["aws", "--output", "json"] + x.split() for x in c]


def first_frame(args, env, marker=b"Sections"):
    """Seconds from fork to the first frame on a pty, and golive's peak RSS (MB) a second later,
    once its start-up work (the AWS connection attempt, the first save) has run."""
    start = time.perf_counter()
    pid, fd = pty.fork()
    if pid == 0:
        # A new pty is 0x0: nothing would be drawn. 160x48, as the criterion frame.
        fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", 48, 160, 0, 0))
        os.execve(GOLIVE, [GOLIVE] + args, env)
    seen = b""
    elapsed = None
    peak = None
    ended = False
    deadline = start + 20
    while time.perf_counter() < deadline:
        r, _, _ = select.select([fd], [], [], 0.05)
        if r:
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                chunk = b""
            if not chunk:
                ended = True
                break
            seen += chunk
            if elapsed is None and marker in seen:
                elapsed = time.perf_counter() - start
                deadline = time.perf_counter() + 1.0
        if elapsed is not None and time.perf_counter() >= deadline - 0.06 and peak is None:
            # VmHWM, not wait4's ru_maxrss: the child began as a fork of this Python process,
            # and ru_maxrss keeps that image's peak across the exec.
            with open(f"/proc/{pid}/status") as f:
                peak = next(int(l.split()[1]) for l in f if l.startswith("VmHWM:")) / 1024
            os.write(fd, b"q")
            deadline = time.perf_counter() + 10
    if not ended:
        os.kill(pid, signal.SIGKILL)
    os.wait4(pid, 0)
    os.close(fd)
    if elapsed is None:
        sys.exit(f"no first frame for {args}: {seen[-500:]!r}")
    return elapsed, peak


def cpu_seconds(pid):
    """User + system CPU seconds a process has used so far."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def aws_calls_logged(work):
    """AWS API calls golive has logged under work's state dir: its `call <action>` lines."""
    logs = os.path.join(work, "state", "golive", "log")
    if not os.path.isdir(logs):
        return 0
    n = 0
    for name in os.listdir(logs):
        with open(os.path.join(logs, name), errors="replace") as f:
            n += sum(1 for line in f if " golive::aws: call " in line)
    return n


def milestones(state):
    """golive's start-up milestones from its debug log: {what: [ms since main, one per run]}."""
    marks = {}
    logs = os.path.join(state, "golive", "log")
    for name in sorted(os.listdir(logs)):
        with open(os.path.join(logs, name), errors="replace") as f:
            for line in f:
                m = re.search(r"DEBUG golive: (.+) at ([0-9.]+) ms$", line.rstrip())
                if m:
                    marks.setdefault(m.group(1), []).append(float(m.group(2)))
    return marks


def machine():
    cpu = "unknown"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    with open("/proc/meminfo") as f:
        mem = int(f.readline().split()[1]) / 1024 / 1024
    rustc = subprocess.run(["rustc", "--version"], capture_output=True, text=True).stdout.strip()
    return f"{os.cpu_count()} cores ({cpu}), {mem:.0f} GiB RAM, Linux {os.uname().release}, {rustc}"


def criterion_rows():
    rows = []
    base = os.path.join(ROOT, "target", "criterion")
    if not os.path.isdir(base):
        return rows
    for group in sorted(os.listdir(base)):
        gdir = os.path.join(base, group)
        for case in sorted(os.listdir(gdir)):
            est = os.path.join(gdir, case, "new", "estimates.json")
            if not os.path.exists(est):
                continue
            with open(est) as f:
                e = json.load(f)
            med = e["median"]["point_estimate"] / 1e6
            lo = e["median"]["confidence_interval"]["lower_bound"] / 1e6
            hi = e["median"]["confidence_interval"]["upper_bound"] / 1e6
            with open(os.path.join(gdir, case, "new", "benchmark.json")) as f:
                title = json.load(f)["title"]
            rows.append([title, f"{med:.3f} ms", f"{lo:.3f} – {hi:.3f} ms (95% CI)"])
    return rows


def table(rows):
    out = ["| Measure | Median | Range |", "|---|---|---|"]
    out += [f"| {a} | {b} | {c} |" for a, b, c in rows]
    return "\n".join(out)


def main():
    moto, url = start_moto()
    work = tempfile.mkdtemp(prefix="golive-bench-")
    try:
        py = os.path.join(VENV, "python")
        account = "%012d" % (int(time.time() * 1000) % 10**12)
        subprocess.run([py, os.path.join(ROOT, "tests/fixtures/aws_account.py"), url, account, "good"],
                       check=True, stdout=subprocess.DEVNULL)
        import boto3  # noqa: the virtualenv's, this script runs under it
        creds = boto3.client("sts", endpoint_url=url, region_name="us-east-1",
                             aws_access_key_id="testing", aws_secret_access_key="testing").assume_role(
            RoleArn=f"arn:aws:iam::{account}:role/golive-probe", RoleSessionName="bench")["Credentials"]
        env = aws_env(url, creds, work)
        env["PATH"] = VENV + ":" + env["PATH"]
        session = os.path.join(work, "s.toml")
        scope = (f'[target]\naccount_id = "{account}"\nname_prefix = "agent-"\ntask_role = "agent-task"\n'
                 f'secrets = ["agent-service/api-key"]\nmetrics_namespace = "AgentService"\ncost_tags = ["CostCenter"]\n')
        ids = aws_item_ids()
        results = []

        def sweep():
            if os.path.exists(session):
                os.remove(session)
            with open(session, "w") as f:
                f.write('schema_version = 1\nchecklist = "agentcore-production"\nchecklist_version = "1"\n'
                        'created = "2026-11-25T09:30:00Z"\n' + scope)
            return timed([GOLIVE, "--session", session, "check", "--only", *ids], env=env)

        # The server is one Python process: what it spends serving a sweep bounds how fast any
        # client can be against it.
        calls_before, cpu_before = aws_calls_logged(work), cpu_seconds(moto.pid)
        sweep_t = [sweep()[0] for _ in range(RUNS)]
        calls_per_sweep = (aws_calls_logged(work) - calls_before) / RUNS
        moto_cpu = (cpu_seconds(moto.pid) - cpu_before) / RUNS
        cli = cli_calls(account)
        cli_t = []
        for _ in range(max(3, RUNS // 2)):
            start = time.perf_counter()
            for cmd in cli:
                subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            cli_t.append(time.perf_counter() - start)
        # Each item alone: the slowest single one bounds what a parallel sweep can do.
        singles = []
        for item in ids:
            samples = []
            for _ in range(3):
                with open(session, "w") as f:
                    f.write('schema_version = 1\nchecklist = "agentcore-production"\nchecklist_version = "1"\n'
                            'created = "2026-11-25T09:30:00Z"\n' + scope)
                samples.append(timed([GOLIVE, "--session", session, "check", "--only", item], env=env)[0])
            singles.append((statistics.median(samples), item))
        slowest, slowest_item = max(singles)
        total_singles = sum(t for t, _ in singles)
        results.append(row(f"`golive check` of the {len(ids)} AWS-probed items (whole process)", sweep_t))
        results.append(row(f"the `aws` CLI, {len(cli)} calls one after another", cli_t))
        results.append(["ratio CLI / golive", f"{statistics.median(cli_t) / statistics.median(sweep_t):.1f}x", ""])
        results.append([f"slowest single item alone ({slowest_item})", fmt_s(slowest), ""])
        results.append(["sum of the items checked one by one", fmt_s(total_singles), ""])
        results.append(["sweep / slowest single", f"{statistics.median(sweep_t) / slowest:.2f}x", ""])
        results.append([f"AWS API calls per sweep; moto_server CPU per sweep", f"{calls_per_sweep:.0f}; {fmt_s(moto_cpu)}", ""])
        results.append(["sweep / moto_server CPU per sweep", f"{statistics.median(sweep_t) / moto_cpu:.2f}x", ""])

        # First frame and peak RSS.
        tenv = {"PATH": os.environ["PATH"], "HOME": work, "TERM": "xterm-256color",
                "XDG_STATE_HOME": os.path.join(work, "state"), "XDG_DATA_HOME": os.path.join(work, "data")}
        big = os.path.join(work, "big.toml")
        big_session = os.path.join(work, "big-session.toml")
        subprocess.run([GEN, "10000", big, big_session], check=True)
        for n, (name, args) in enumerate([("98 items", ["--session", os.path.join(work, "ff.toml")]),
                           ("10,000 items with notes", ["--checklist", big, "--session", big_session])]):
            frames, rss = [], []
            # golive's debug log marks its start-up milestones (ms since main): where the time goes.
            fenv = dict(tenv, XDG_STATE_HOME=os.path.join(work, f"state-{n}"))
            for _ in range(RUNS):
                t, m = first_frame(["--log-level", "debug"] + args, fenv)
                frames.append(t)
                rss.append(m)
            results.append(row(f"start to first frame, {name}", frames))
            marks = milestones(os.path.join(work, f"state-{n}"))
            results.append([f"  inside golive (debug log, ms since main; medians): {name}",
                            "; ".join(f"{k} {statistics.median(v):.1f}" for k, v in marks.items()), ""])
            results.append(row(f"peak RSS, {name}", rss, "MB"))

        # Export of a fully answered default session.
        full = os.path.join(work, "full.toml")
        answer_all(full)
        exp = [timed([GOLIVE, "--session", full, "export", "-o", os.path.join(work, "r.md")], env=tenv)[0]
               for _ in range(RUNS)]
        results.append(row("`golive export` of the default session, every item answered (whole process)", exp))

        crit = criterion_rows()
        text = [
            "# Benchmarks", "",
            f"Measured {time.strftime('%Y-%m-%d')} on {machine()}.",
            f"`./scripts/bench` (whole process, {RUNS} runs each unless noted; medians, min – max) and "
            "`cargo bench` (criterion; median with its 95% confidence interval). Whole-process AWS "
            "figures run against a moto_server on 127.0.0.1 holding the well-configured fixture "
            "account (`tests/fixtures/aws_account.py`).", "",
            "## Whole process", "", table(results), "",
        ]
        if crit:
            text += ["## In process (criterion)", "", table(crit), ""]
        with open(os.path.join(ROOT, "BENCHMARKS.md"), "w") as f:
            f.write("\n".join(text))
        print(table(results))
        if crit:
            print()
            print(table(crit))
    finally:
        moto.send_signal(signal.SIGTERM)
        moto.wait()
        shutil.rmtree(work, ignore_errors=True)


def aws_item_ids():
    """Items of the embedded checklist with an AWS probe, from the checklist file itself."""
    import tomllib
    with open(os.path.join(ROOT, "assets/checklists/agentcore-production.toml"), "rb") as f:
        doc = tomllib.load(f)
    ids = []
    for s in doc["sections"]:
        for g in s["groups"]:
            for i in g["items"]:
                probes = i.get("probes") or ([i["probe"]] if "probe" in i else [])
                if any(p["kind"].startswith("aws.") for p in probes):
                    ids.append(i["id"])
    return ids


def answer_all(path):
    """A session answering every item of the embedded checklist, through the example generator's
    session writer run on the embedded checklist."""
    src = os.path.join(ROOT, "assets/checklists/agentcore-production.toml")
    tmp = path + ".checklist.toml"
    shutil.copy(src, tmp)
    subprocess.run([GEN, "--answer", tmp, path], check=True)


if __name__ == "__main__":
    main()
