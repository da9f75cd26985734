#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Judge one VM run from its serial logs.

    verdict.py LOG [--suite NAME]... TEST...

Each TEST must appear in LOG between "### flowsess-test: NAME" and
"### flowsess-end: NAME rc=N" with a TAP (selftests) or KTAP (kunit) body:
a plan, as many results as planned, none "not ok" or skipped, rc 0. Each
--suite NAME must have a result of its own (a KUnit suite). The kernel's
console, LOG.kernel (run.sh), must reach the VM's last marker and be free of
kernel reports; a report fails the test during which the kernel printed it.
Prints one TAP-like line per test case and ends with
"RESULT passed=N failed=N".
"""
import re
import sys

KERNEL_REPORTS = re.compile(
    r"BUG:|kernel BUG at|BUG [\w.-]+ \((Not t|T)ainted|WARNING:|Oops|Call Trace|general protection fault|Kernel panic"
    r"|rcu: INFO: .*stall|self-detected stall|KASAN|UBSAN"
    r"|unreferenced object|possible circular locking|inconsistent lock state"
    r"|possible recursive locking|suspicious RCU usage|lock held when returning"
    r"|sleeping function called from invalid context|ODEBUG:"
    r"|printk messages dropped|hung_task|blocked for more than"
    r"|trying to register non-static key")
# Tests that inject allocation failures, and how the kernel reports one.
FAULT_INJECTION_TESTS = {"faults"}
ALLOC_FAILURE = re.compile(r"page allocation failure: |vmalloc error: |percpu: allocation failed"
                           r"|kmem_cache_create(_usercopy)?\(\S+\) failed with error -(12|22)$")
CACHE_CREATE_FAILED = re.compile(r"kmem_cache_create(_usercopy)?\(\S+\) failed with error -(12|22)$")
# What 6.1's kmem_cache_create() leaks when it fails (the cache, its node,
# its kobject's name), at most one of each per failure: the first frame of
# the backtrace that is not an allocator's, and the caller it must have.
CACHE_CREATE_LEAKS = (("kmem_cache_create_usercopy+", None),
                      ("__kmem_cache_create+", "kmem_cache_create_usercopy+"),
                      ("kobject_set_name_vargs+", "sysfs_slab_add+"))
RESULT = re.compile(r"^(\s*)(not ok|ok) (\d+)\b ?-? ?(.*)$")
PLAN = re.compile(r"^(\s*)1\.\.(\d+)")


def without_kernel_leaks(lines, cache_create_failures):
    """The log without the kmemleak reports of the kernel's own leaks: of
    objects allocated while the kernel booted (start_kernel() in the
    backtrace: on the debug kernel, ACPI's early caches; nothing of flowsess
    exists before /init runs), and of 6.1's kmem_cache_create() error path,
    which leaks the cache, its node and its kobject's name when the cache's
    sysfs entry cannot be made: at most one of each for each creation the
    kernel said had failed (fault injection). Returns the lines and how
    many reports were left out."""
    out, block, in_kmemleak, dropped = [], [], False, 0
    budget = {frame: cache_create_failures for frame, _ in CACHE_CREATE_LEAKS}

    def cache_create_leak():
        frames = [l.split("] ", 1)[-1].strip() for l in block if "[<" in l]
        frames = [f for f in frames if not re.match(r"(__)?kmem_cache_alloc|__kmalloc|kstrdup", f)]
        for frame, caller in CACHE_CREATE_LEAKS:
            if (frames and frames[0].startswith(frame) and budget[frame] > 0 and
                    (caller is None or any(f.startswith(caller) for f in frames))):
                budget[frame] -= 1
                return True
        return False

    def flush():
        nonlocal dropped
        if any("start_kernel+" in l for l in block) or (block and cache_create_leak()):
            dropped += 1
        else:
            out.extend(block)
        block.clear()

    for line in lines:
        if line.startswith("### flowsess-"):
            flush()
            in_kmemleak = line.startswith("### flowsess-kmemleak")
            out.append(line)
        elif in_kmemleak:
            if line.startswith("unreferenced object"):
                flush()
            block.append(line)
        else:
            out.append(line)
    flush()
    return out, dropped


def sections(lines):
    """Yield (name, body lines, rc or None) for every test section."""
    name, body = None, []
    for line in lines:
        m = re.match(r"### flowsess-(test|end|dmesg|kmemleak|done)(?:: (\S+))?(?: rc=(\d+))?", line)
        if not m:
            if name:
                body.append(line)
            continue
        kind = m.group(1)
        if kind == "end" and name == m.group(2):
            yield name, body, int(m.group(3)) if m.group(3) else None
            name, body = None, []
            continue
        if name:
            yield name, body, None
        name, body = (m.group(2), []) if kind == "test" else (None, [])
    if name:
        yield name, body, None


def judge_tap(name, body, rc, out):
    """Return (passed, failed) for one test section.

    Results nest in KTAP (suites, cases, parameters): a result is a leaf,
    counted as a test, unless the result before it was nested deeper. The
    top-level plan must match the number of top-level results.
    """
    passed = failed = 0
    results = [m for m in map(RESULT.match, body) if m]
    top_plans = [int(m.group(2)) for m in map(PLAN.match, body) if m and not m.group(1)]
    prev_depth = 0
    for m in results:
        depth = len(m.group(1))
        parent = prev_depth > depth
        prev_depth = depth
        if parent:
            if m.group(2) != "ok":
                out.append(f"not ok - {name}: {m.group(4)} (suite failed)")
                failed += 1
            continue
        skipped = "# SKIP" in m.group(4)
        good = m.group(2) == "ok" and not skipped
        out.append(f"{'ok' if good else 'not ok'} - {name}: {m.group(4)}"
                   + (" (skipped counts as failed)" if skipped else ""))
        passed += good
        failed += not good
    # Top-level results are numbered 1, 2, 3... in turn after each plan (a
    # KUnit run is one document per suite): a result printed elsewhere (a
    # check whose output went astray) shows as a gap.
    top, expect, misnumbered = 0, 1, None
    for line in body:
        plan = PLAN.match(line)
        if plan and not plan.group(1):
            expect = 1
        m = RESULT.match(line)
        if m and not m.group(1):
            top += 1
            if int(m.group(3)) != expect and misnumbered is None:
                misnumbered = f"result {m.group(3)} where {expect} was due"
            expect = int(m.group(3)) + 1
    if misnumbered:
        out.append(f"not ok - {name}: {misnumbered}")
        failed += 1
    if not top_plans:
        out.append(f"not ok - {name}: no TAP plan")
        failed += 1
    elif sum(top_plans) != top:
        out.append(f"not ok - {name}: planned {sum(top_plans)} results, got {top}")
        failed += 1
    if rc is None:
        out.append(f"not ok - {name}: did not finish (timeout or crash)")
        failed += 1
    elif rc != 0:
        out.append(f"not ok - {name}: exited with status {rc}")
        failed += 1
    return passed, failed


def kernel_log_reports(path, out):
    """Judge the kernel's console log: one failure for each part of the run
    (boot, each test with the cleanup after it) whose messages contain a
    kernel report, and one if the log stops before the VM's last marker (the
    console fell behind, or the VM died). Returns the number of failures."""
    try:
        with open(path, errors="replace") as f:
            lines = [l.rstrip("\n").replace("\r", "") for l in f]
    except FileNotFoundError:
        out.append(f"not ok - kernel log: {path} is missing")
        return 1
    failed, part, reported, done = 0, "boot", set(), False
    alloc_failure_until, alloc_failures = -1, 0
    for i, line in enumerate(lines):
        m = re.search(r"flowsess-(test|end|done|vm)(?:: (\S+))?", line)
        if m:
            if m.group(1) == "test":
                part = m.group(2)
            done = done or m.group(1) == "done"
            continue
        # Where faults are injected on purpose, the kernel's report of a
        # failed allocation (a message, then its stack) is expected: only
        # its "Call Trace" is let through, nothing else.
        if part in FAULT_INJECTION_TESTS and ALLOC_FAILURE.search(line):
            alloc_failure_until = i + 80
            alloc_failures += 1
            continue
        report = KERNEL_REPORTS.search(line)
        if report and report.group(0) == "Call Trace" and i < alloc_failure_until:
            continue
        if part not in reported and report:
            reported.add(part)
            out.append(f"not ok - {part}: kernel log: {line.strip()}")
            failed += 1
    if alloc_failures:
        out.append(f"# kernel log: {alloc_failures} reports of allocations that "
                   "failed by fault injection, expected")
    if not done:
        out.append("not ok - kernel log: it stops before the VM's end "
                   f"(last line: {lines[-1].strip() if lines else 'none'})")
        failed += 1
    return failed


def main():
    args, wanted, suites = sys.argv[2:], [], []
    log = sys.argv[1]
    while args:
        if args[0] == "--suite":
            suites.append(args[1])
            args = args[2:]
        else:
            wanted.append(args.pop(0))
    try:
        with open(log, errors="replace") as f:
            lines = [l.rstrip("\n").replace("\r", "") for l in f]
    except FileNotFoundError:
        print(f"not ok - vm: no log {log} (QEMU did not start?)")
        print("RESULT passed=0 failed=1")
        return 1
    out, passed, failed = [], 0, 0
    seen = set()
    for name, body, rc in sections(lines):
        seen.add(name)
        p, f = judge_tap(name, body, rc, out)
        passed += p
        failed += f
    for name in wanted:
        if name not in seen:
            out.append(f"not ok - {name}: never started")
            failed += 1
    times = [m.groups() for m in (re.match(r"### flowsess-end: (\S+) rc=\d+ \((\d+) s\)", l)
                                  for l in lines) if m]
    if times:
        out.append("# seconds per test: " + ", ".join(f"{n} {t}" for n, t in times))
    ran = {m.group(4) for m in map(RESULT.match, lines) if m and not m.group(1)}
    for suite in suites:
        if suite not in ran:
            out.append(f"not ok - kunit: suite {suite} has no result")
            failed += 1
    if not any(l.startswith("### flowsess-done") for l in lines):
        out.append("not ok - vm: did not power off cleanly")
        failed += 1
    try:
        with open(log + ".kernel", errors="replace") as f:
            cache_create_failures = sum(1 for l in f if CACHE_CREATE_FAILED.search(l.rstrip()))
    except FileNotFoundError:
        cache_create_failures = 0
    lines, kernel_leaks = without_kernel_leaks(lines, cache_create_failures)
    if kernel_leaks:
        out.append(f"# kmemleak: {kernel_leaks} objects the kernel leaked itself (while it "
                   "booted, or in a kmem_cache_create() that fault injection failed), "
                   "not counted")
    kmemleak = False
    for line in lines:
        if line.startswith("### flowsess-"):
            kmemleak = line.startswith("### flowsess-kmemleak")
            continue
        if KERNEL_REPORTS.search(line) or (kmemleak and line.strip()):
            out.append(f"not ok - kernel log: {line.strip()}")
            failed += 1
            break
    if not any(l.startswith("### flowsess-dmesg") for l in lines):
        failed += kernel_log_reports(log + ".kernel", out)
    print("\n".join(out))
    print(f"RESULT passed={passed} failed={failed}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
