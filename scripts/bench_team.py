"""Whole-process benchmarks of a launch team's golive (issue 21), against a moto_server this
starts: a save's round trip (`golive answer`, one answer saved and shared) to S3 vs to a local
file, side by side; how long a change takes to appear in a second person's TUI (a pty); and a
sweep over 3 accounts x 3 regions vs one account and region (wall time, AWS calls, moto CPU).

Run by scripts/bench after bench.py (the release binary and the virtualenv are built first).
Rewrites the "## A launch team" part of BENCHMARKS.md, leaving the rest as it is.
"""
import os
import pty
import select
import signal
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench  # noqa: E402  (its moto, timing and table helpers)

RUNS = bench.RUNS
ITEMS = ["security.pii-handling", "reliability.circuit-breakers"]


def env_for(url, home):
    return {
        "PATH": os.environ["PATH"], "HOME": home, "TERM": "xterm-256color",
        "AWS_ENDPOINT_URL": url, "AWS_REGION": "us-east-1", "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing", "AWS_EC2_METADATA_DISABLED": "true",
        "AWS_CONFIG_FILE": "/nonexistent", "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent",
        "AWS_MAX_ATTEMPTS": "1",
    }


def appear_in_tui(url, s3, alice_home, bob_env):
    """Seconds from bob's `golive answer` returning (saved and shared) to the change showing in
    alice's TUI: her saver polls the object's ETag every 2 s, so this is the poll's wait plus a GET
    and a merge."""
    pid, fd = pty.fork()
    if pid == 0:
        import fcntl, struct, termios
        fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 140, 0, 0))
        os.execve(bench.GOLIVE, [bench.GOLIVE, "--session", s3, "--who", "alice"], env_for(url, alice_home))
    seen = b""

    def read_until(marker, deadline):
        nonlocal seen
        while time.perf_counter() < deadline:
            r, _, _ = select.select([fd], [], [], 0.01)
            if r:
                try:
                    chunk = os.read(fd, 65536)
                except OSError:
                    return False
                if not chunk:
                    return False
                seen += chunk
                if marker in seen:
                    return True
        return False

    samples = []
    try:
        if not read_until(b"Sections", time.perf_counter() + 20):
            sys.exit(f"alice's TUI did not start: {seen[-300:]!r}")
        time.sleep(3)
        for n in range(RUNS):
            seen = b""
            status = "pass" if n % 2 == 0 else "fail"
            subprocess.run([bench.GOLIVE, "--session", s3, "--who", "bob", "answer", ITEMS[0], status],
                           env=bob_env, check=True, stdout=subprocess.DEVNULL)
            start = time.perf_counter()
            if not read_until(f"bob: ".encode(), start + 15):
                sys.exit(f"bob's change did not appear: {seen[-300:]!r}")
            samples.append(time.perf_counter() - start)
            # A key clears the line under the panes, so the next change is drawn whole; the
            # pause lands it at another point of alice's poll cycle.
            os.write(fd, b"\x1b[24~")
            time.sleep(0.7)
    finally:
        os.write(fd, b"q")
        time.sleep(1)
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        os.waitpid(pid, 0)
        os.close(fd)
    return samples


def accounts_and_regions(moto, url, work):
    """The AWS-probed items of the fixture account swept alone vs over 3 accounts (it and two
    members of its Organization) x 3 regions, alternated."""
    py = os.path.join(bench.VENV, "python")
    account = "%012d" % (int(time.time() * 1000) % 10**12)
    subprocess.run([py, os.path.join(bench.ROOT, "tests/fixtures/aws_account.py"), url, account, "good"],
                   check=True, stdout=subprocess.DEVNULL)
    subprocess.run([py, os.path.join(bench.ROOT, "tests/fixtures/organization.py"), url, account],
                   check=True, stdout=subprocess.DEVNULL)
    import boto3  # noqa: the virtualenv's
    creds = boto3.client("sts", endpoint_url=url, region_name="us-east-1", aws_access_key_id="testing",
                         aws_secret_access_key="testing").assume_role(
        RoleArn=f"arn:aws:iam::{account}:role/golive-probe", RoleSessionName="bench")["Credentials"]
    scope = (f'[target]\naccount_id = "{account}"\nname_prefix = "agent-"\ntask_role = "agent-task"\n'
             f'secrets = ["agent-service/api-key"]\nmetrics_namespace = "AgentService"\ncost_tags = ["CostCenter"]\n')
    wide = ('regions = ["eu-west-1", "ap-southeast-2"]\n'
            'organization = { role = "golive-probe", filter = "prod-" }\n')
    ids = bench.aws_item_ids()
    rows = []
    figures = {}
    for name, extra in [("one account, one region", ""), ("3 accounts x 3 regions", wide)]:
        home = os.path.join(work, name.replace(" ", "-"))
        env = bench.aws_env(url, creds, home)
        session = os.path.join(home, "s.toml")
        figures[name] = {"t": [], "calls": 0, "cpu": 0.0}
    for _ in range(RUNS):
        for name, extra in [("one account, one region", ""), ("3 accounts x 3 regions", wide)]:
            home = os.path.join(work, name.replace(" ", "-"))
            env = bench.aws_env(url, creds, home)
            session = os.path.join(home, "s.toml")
            os.makedirs(home, exist_ok=True)
            with open(session, "w") as f:
                f.write(scope + extra)
            calls, cpu = bench.aws_calls_logged(home), bench.cpu_seconds(moto.pid)
            t, _ = bench.timed([bench.GOLIVE, "--session", session, "check", "--allow-accounts", "--only", *ids],
                               env=env)
            figures[name]["t"].append(t)
            figures[name]["calls"] += bench.aws_calls_logged(home) - calls
            figures[name]["cpu"] += bench.cpu_seconds(moto.pid) - cpu
    for name, f in figures.items():
        rows.append(bench.row(f"`golive check` of the {len(ids)} AWS-probed items, {name}", f["t"]))
        rows.append([f"  AWS calls per sweep; moto_server CPU per sweep ({name})",
                     f"{f['calls'] / RUNS:.0f}; {bench.fmt_s(f['cpu'] / RUNS)}", ""])
    one, nine = figures["one account, one region"], figures["3 accounts x 3 regions"]
    rows.append(["ratio 3x3 / one: wall; calls", f"{statistics.median(nine['t']) / statistics.median(one['t']):.2f}x; "
                 f"{nine['calls'] / max(one['calls'], 1):.2f}x", ""])
    return rows


def main():
    moto, url = bench.start_moto()
    work = tempfile.mkdtemp(prefix="golive-bench-shared-")
    try:
        import boto3  # noqa: the virtualenv's
        bucket = "golive-bench"
        boto3.client("s3", endpoint_url=url, region_name="us-east-1", aws_access_key_id="testing",
                     aws_secret_access_key="testing").create_bucket(Bucket=bucket)
        s3 = f"s3://{bucket}/launch.toml"
        local = os.path.join(work, "local.toml")
        benv = env_for(url, os.path.join(work, "bob"))
        results = []
        # Side by side, alternating: one answer saved to a file vs saved and shared through S3.
        s3_t, local_t, ratio = [], [], []
        for n in range(RUNS * 2):
            status = "pass" if n % 2 == 0 else "fail"
            a = bench.timed([bench.GOLIVE, "--session", s3, "--who", "bob", "answer", ITEMS[1], status], env=benv)
            b = bench.timed([bench.GOLIVE, "--session", local, "--who", "bob", "answer", ITEMS[1], status], env=benv)
            if a[1] or b[1]:
                sys.exit("golive answer failed")
            s3_t.append(a[0])
            local_t.append(b[0])
            ratio.append(a[0] / b[0])
        results.append(bench.row("`golive answer` saved to a local file (whole process)", local_t))
        results.append(bench.row("`golive answer` saved and shared through S3 (moto; whole process)", s3_t))
        results.append(["ratio S3 / local, pair by pair (median)", f"{statistics.median(ratio):.2f}x", ""])
        appear = appear_in_tui(url, s3, os.path.join(work, "alice"), benv)
        results.append(bench.row("a change shared by `golive answer` until it shows in another TUI "
                                 "(2 s ETag poll)", appear))
        results += accounts_and_regions(moto, url, work)
        section = ["## A launch team", "",
                   f"Measured {time.strftime('%Y-%m-%d')} by `scripts/bench_team.py` against a "
                   "moto_server on 127.0.0.1, release build: "
                   f"{RUNS * 2} alternated pairs for the saves, {RUNS} changes for the TUI, {RUNS} "
                   "alternated pairs of sweeps.", "",
                   bench.table(results), ""]
        path = os.path.join(bench.ROOT, "BENCHMARKS.md")
        text = open(path).read()
        start = text.find("## A launch team")
        if start >= 0:
            end = text.find("\n## ", start + 1)
            text = text[:start] + (text[end + 1:] if end >= 0 else "")
        with open(path, "w") as f:
            f.write(text.rstrip("\n") + "\n\n" + "\n".join(section))
        print(bench.table(results))
    finally:
        moto.send_signal(signal.SIGTERM)
        moto.wait()


if __name__ == "__main__":
    main()
