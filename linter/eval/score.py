#!/usr/bin/env python3
"""Score nhi-lint against the labelled corpus in this directory.

Usage:
    python3 linter/eval/score.py [--bin PATH] [--set corpus|debatable|all] [--json-in FILE]
                                 [--show N] [--summary-json FILE]

Runs `nhi-lint check --format json --select all <dir>` once per set (corpus/, debatable/): every
rule, the opt-in ones included, since the corpus labels governance too. Maps every finding to
the enclosing top-level block, and compares the multiset of categories per block with the
`# expect: <category>` labels written on the lines directly above the block header.
See README.md for the labelling rules. Always exits 0: this is a measurement, not a gate.
The linter runs as of the day the labels were written (LABELLED_AS_OF; NHI_LINT_NOW overrides).
"""

import argparse
import collections
import json
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
CATEGORIES = ("static-credential", "excessive-scope", "missing-ttl", "governance")
HEADER = re.compile(r'^(resource|data|provider|variable|locals|module|output|ephemeral|terraform|check|import|moved|removed)\b(.*)$')
LABEL = re.compile(r'^\s*#\s*expect:\s*([a-z-]+)\s*$')
EXTS = (".tf", ".tofu", ".tfvars")
PROVIDERS = [
    ("aws_", "aws"), ("google_", "gcp"), ("azurerm_", "azure"), ("azuread_", "azure"),
    ("vault_", "vault"), ("kubernetes_", "kubernetes"), ("github_", "github"),
    ("gitlab_", "gitlab"), ("nhi_", "nhi"),
]


# ---------------------------------------------------------------- corpus parsing

class Block:
    def __init__(self, path, start, end, kind, labels_text):
        self.path = path          # relative to the scored root
        self.start = start        # 1-based header line
        self.end = end            # 1-based closing line (inclusive)
        self.kind = kind
        self.address = labels_text
        self.expected = collections.Counter()
        self.found = []           # list of finding dicts

    @property
    def provider(self):
        words = re.findall(r'"([^"]*)"', self.address)
        typ = words[0] if words else ""
        if self.kind in ("resource", "data", "ephemeral", "provider"):
            name = typ if self.kind != "provider" else typ + "_"
            for prefix, prov in PROVIDERS:
                if name.startswith(prefix):
                    return prov
            if self.kind == "provider":
                return {"google_": "gcp", "azurerm_": "azure", "azuread_": "azure"}.get(name, name.rstrip("_") or "other")
            return "other"
        # variables/locals/modules/outputs: use the directory's provider folder
        top = self.path.split(os.sep)[0]
        return top if top else "other"

    def key(self):
        return f"{self.path}:{self.start}"


def strip_strings(line):
    """Remove string literals and comments so braces inside them are not counted."""
    out, i, n, in_str = [], 0, len(line), False
    while i < n:
        c = line[i]
        if in_str:
            if c == "\\":
                i += 2
                continue
            if c == '"':
                in_str = False
            i += 1
            continue
        if c == '"':
            in_str = True
        elif c == "#" or line.startswith("//", i):
            break
        else:
            out.append(c)
        i += 1
    return "".join(out)


def parse_file(root, rel):
    with open(os.path.join(root, rel), encoding="utf-8", errors="replace") as f:
        lines = f.read().split("\n")
    blocks, errors = [], []
    pending = []   # labels waiting for the next header
    depth, cur, heredoc = 0, None, None
    for idx, raw in enumerate(lines, start=1):
        if heredoc:
            if raw.strip() == heredoc:
                heredoc = None
            continue
        if depth == 0:
            m = LABEL.match(raw)
            if m:
                cat = m.group(1)
                if cat not in CATEGORIES:
                    errors.append(f"{rel}:{idx}: unknown category {cat!r}")
                else:
                    pending.append(cat)
                continue
            h = HEADER.match(raw.lstrip())
            if h:
                cur = Block(rel, idx, idx, h.group(1), (h.group(1) + h.group(2)).split("{")[0].strip())
                cur.expected.update(pending)
                pending = []
                blocks.append(cur)
            elif raw.strip() and not raw.strip().startswith(("#", "//")):
                if pending and rel.endswith(".tfvars"):
                    # tfvars: labels attach to a one-line pseudo block per assignment
                    b = Block(rel, idx, idx, "tfvars", "tfvars " + raw.split("=")[0].strip())
                    b.expected.update(pending)
                    blocks.append(b)
                    pending = []
                    continue
                if pending:
                    errors.append(f"{rel}:{idx}: labels not directly above a block header")
                    pending = []
            elif raw.strip() and pending and not LABEL.match(raw):
                pass  # ordinary comments between labels and header are allowed
        code = strip_strings(raw)
        hm = re.search(r'<<-?\s*([A-Za-z_][A-Za-z0-9_]*)\s*$', code)
        depth += code.count("{") - code.count("}")
        if cur is not None:
            cur.end = idx
            if depth <= 0:
                depth = 0
                cur = None
        if hm:
            heredoc = hm.group(1)
    if pending:
        errors.append(f"{rel}: trailing labels without a block")
    return blocks, errors


def collect(root):
    blocks, errors = [], []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        for fn in sorted(filenames):
            if fn.endswith(EXTS):
                rel = os.path.relpath(os.path.join(dirpath, fn), root)
                b, e = parse_file(root, rel)
                blocks += b
                errors += e
    return blocks, errors


# ---------------------------------------------------------------- running the linter

def extract_findings(doc):
    if isinstance(doc, list):
        return doc
    if isinstance(doc, dict):
        for key in ("findings", "diagnostics", "results", "issues"):
            if isinstance(doc.get(key), list):
                return doc[key]
        for v in doc.values():
            if isinstance(v, list) and v and isinstance(v[0], dict) and "code" in v[0]:
                return v
    return []


# The labels judge expiries and suppression dates as of this day; the linter is run as of it
# (unless NHI_LINT_NOW is set), so that a score does not change with the calendar.
LABELLED_AS_OF = "2026-12-04T00:00:00Z"


def run_linter(binary, root):
    cmd = [binary, "check", "--format", "json", "--select", "all", root]
    env = dict(os.environ)
    env.setdefault("NHI_LINT_NOW", LABELLED_AS_OF)
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=600, env=env)
    except FileNotFoundError:
        sys.exit(f"score.py: linter binary not found: {binary} (use --bin or NHI_LINT)")
    out = p.stdout.strip()
    try:
        doc = json.loads(out) if out else []
    except json.JSONDecodeError:
        # maybe JSON lines
        doc = []
        for line in out.splitlines():
            line = line.strip()
            if line.startswith("{"):
                try:
                    doc.append(json.loads(line))
                except json.JSONDecodeError:
                    pass
    return extract_findings(doc), p.returncode, p.stderr


def norm_path(path, root):
    if not path:
        return ""
    if os.path.isabs(path):
        return os.path.relpath(path, root)
    cand = os.path.normpath(path)
    rroot = os.path.relpath(root)
    if cand.startswith(rroot + os.sep):
        return os.path.relpath(cand, rroot)
    if os.path.exists(os.path.join(root, cand)):
        return cand
    # path relative to cwd
    return os.path.relpath(os.path.abspath(cand), root)


def finding_line(f):
    s = f.get("start") or {}
    if isinstance(s, dict):
        return int(s.get("line") or 0)
    return int(f.get("line") or 0)


# ---------------------------------------------------------------- scoring

class Tally:
    def __init__(self):
        self.tp = self.fn = self.fp = 0

    def add(self, tp, fn, fp):
        self.tp += tp
        self.fn += fn
        self.fp += fp

    def recall(self):
        d = self.tp + self.fn
        return self.tp / d if d else float("nan")

    def precision(self):
        d = self.tp + self.fp
        return self.tp / d if d else float("nan")

    def row(self, name):
        return f"  {name:<20} recall {fmt(self.recall())}  precision {fmt(self.precision())}   (tp {self.tp}, fn {self.fn}, fp {self.fp})"


def fmt(x):
    return "  n/a" if x != x else f"{x:.3f}"


def score(root, findings, show, title):
    blocks, errors = collect(root)
    by_file = collections.defaultdict(list)
    for b in blocks:
        by_file[b.path].append(b)
    orphans = []
    file_blocks = {}
    for f in findings:
        rel = norm_path(f.get("path") or f.get("file") or "", root)
        line = finding_line(f)
        f["_rel"], f["_line"] = rel, line
        cands = by_file.get(rel, [])
        target = None
        for b in cands:
            if b.start <= line <= b.end:
                target = b
        if target is None:
            before = [b for b in cands if b.start <= line]
            after = [b for b in cands if b.start > line]
            # outside every block: a comment directly above a header belongs to that header,
            # otherwise the file itself.
            if after and all(not l.strip() or l.strip().startswith(("#", "//")) for l in
                             _lines(root, rel)[line - 1:after[0].start - 1]):
                target = after[0]
            elif not cands and before == []:
                target = None
            else:
                target = None
        if target is None:
            key = (rel, "file")
            if key not in file_blocks:
                fb = Block(rel, 0, 0, "file", f"(file-level) {rel}")
                file_blocks[key] = fb
                blocks.append(fb)
            target = file_blocks[key]
        target.found.append(f)

    overall, per_prov, per_cat = Tally(), collections.defaultdict(Tally), collections.defaultdict(Tally)
    misses, fps, dups = [], [], []
    presence = Tally()
    for b in blocks:
        got = collections.Counter(str(f.get("category", "?")) for f in b.found)
        prov = b.provider
        for cat in set(got) | set(b.expected):
            e, g = b.expected[cat], got[cat]
            tp = min(e, g)
            overall.add(tp, e - tp, g - tp)
            per_prov[prov].add(tp, e - tp, g - tp)
            per_cat[cat].add(tp, e - tp, g - tp)
            presence.add(1 if e and g else 0, 1 if e and not g else 0, 1 if g and not e else 0)
            if e > g:
                for _ in range(e - g):
                    misses.append((b, cat))
            elif g > e:
                extra = [f for f in b.found if str(f.get("category")) == cat][e:]
                for f in extra:
                    (dups if e else fps).append((b, f))

    # lenient view: unmatched label and unmatched finding of the same category in the same
    # module directory (label on the data source, finding on the consumer, or vice versa)
    def folder(p):
        return os.path.dirname(p)
    pool = collections.Counter((folder(b.path), c) for b, c in misses)
    relocated = 0
    for b, f in fps + dups:
        k = (folder(f["_rel"]), str(f.get("category")))
        if pool[k] > 0:
            pool[k] -= 1
            relocated += 1
    lenient = Tally()
    lenient.add(overall.tp + relocated, overall.fn - relocated, overall.fp - relocated)

    print(f"\n=== {title}: {root}")
    print(f"files {len({b.path for b in blocks if b.kind != 'file'})}, blocks {sum(1 for b in blocks if b.kind != 'file')}, "
          f"labels {sum(sum(b.expected.values()) for b in blocks)}, findings {len(findings)}")
    for e in errors:
        print("  LABEL ERROR", e)
    print(overall.row("OVERALL"))
    print(lenient.row("lenient(same dir)"))
    print(presence.row("per-block presence"))
    print(" per provider:")
    for k in sorted(per_prov):
        print(per_prov[k].row(k))
    print(" per category:")
    for k in sorted(per_cat):
        print(per_cat[k].row(k))

    def addr(b):
        return b.address
    print(f"\n misses ({len(misses)}):")
    for b, cat in sorted(misses, key=lambda x: (x[0].path, x[0].start))[:show]:
        print(f"  MISS {b.path}:{b.start}  expected {cat:<17}  {addr(b)}")
    print(f"\n false positives on unlabelled-for-category blocks ({len(fps)}):")
    for b, f in sorted(fps, key=lambda x: (x[1]['_rel'], x[1]['_line']))[:show]:
        print(f"  FP   {f['_rel']}:{f['_line']}  {f.get('code')} [{f.get('category')}]  {addr(b)}  -- {str(f.get('message', ''))[:140]}")
    print(f"\n extra same-category findings on a labelled block ({len(dups)}) (counted as FP):")
    for b, f in sorted(dups, key=lambda x: (x[1]['_rel'], x[1]['_line']))[:show]:
        print(f"  DUP  {f['_rel']}:{f['_line']}  {f.get('code')} [{f.get('category')}]  {addr(b)}  -- {str(f.get('message', ''))[:140]}")
    codes = collections.Counter(str(f.get("code")) for _, f in fps + dups)
    if codes:
        print("\n false positives by code: " + ", ".join(f"{c}×{n}" for c, n in codes.most_common()))
    mcodes = collections.Counter((b.provider, c) for b, c in misses)
    if mcodes:
        print(" misses by provider/category: " + ", ".join(f"{p}/{c}×{n}" for (p, c), n in mcodes.most_common()))
    return {
        "set": title, "tp": overall.tp, "fn": overall.fn, "fp": overall.fp,
        "recall": overall.recall(), "precision": overall.precision(),
        "per_provider": {k: [v.tp, v.fn, v.fp] for k, v in per_prov.items()},
        "per_category": {k: [v.tp, v.fn, v.fp] for k, v in per_cat.items()},
        "misses": [[b.path, b.start, c, b.address] for b, c in misses],
        "false_positives": [[f["_rel"], f["_line"], f.get("code"), f.get("message")] for _, f in fps + dups],
    }


_LINES = {}


def _lines(root, rel):
    key = (root, rel)
    if key not in _LINES:
        try:
            with open(os.path.join(root, rel), encoding="utf-8", errors="replace") as fh:
                _LINES[key] = fh.read().split("\n")
        except OSError:
            _LINES[key] = []
    return _LINES[key]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bin", default=os.environ.get("NHI_LINT", "target/debug/nhi-lint"))
    ap.add_argument("--set", choices=("corpus", "debatable", "all"), default="all")
    ap.add_argument("--json-in", help="score a saved `check --format json` output instead of running the linter (needs --set corpus or debatable)")
    ap.add_argument("--show", type=int, default=200, help="max misses / FPs listed")
    ap.add_argument("--summary-json", help="write the scores here as JSON")
    args = ap.parse_args()

    sets = ["corpus", "debatable"] if args.set == "all" else [args.set]
    summary = []
    for s in sets:
        root = os.path.join(HERE, s)
        if not os.path.isdir(root):
            continue
        if args.json_in:
            with open(args.json_in) as fh:
                findings = extract_findings(json.load(fh))
            rc, err = "n/a", ""
        else:
            findings, rc, err = run_linter(args.bin, root)
        print(f"\n[{s}] `{args.bin} check --format json {root}` exit {rc}, {len(findings)} findings")
        if err.strip():
            tail = err.strip().splitlines()[-5:]
            print("  stderr (last lines): " + " | ".join(tail))
        summary.append(score(root, findings, args.show, s))
    if args.summary_json:
        with open(args.summary_json, "w") as fh:
            json.dump(summary, fh, indent=2, default=str)
    return 0


if __name__ == "__main__":
    try:
        main()
    except SystemExit as e:
        if e.code not in (0, None):
            print(e.code, file=sys.stderr)
    sys.exit(0)
