#!/usr/bin/env python3
"""Score nhi-lint against the blind-labelled real-world set in this directory.

Usage:
    python3 linter/eval/real/score.py [--bin PATH] [--repo NAME] [--show N] [--json-out FILE]

For every repository in repos.txt that has a label file (labels/<owner>__<repo>.tsv) and an
extracted cache (.cache/eval-real/<owner>__<repo>/), runs `nhi-lint check --format json .` with the
cache directory as working directory, maps each finding to the top-level block containing its start
line, and compares the multiset of finding categories per labelled block with the labels.
See README.md in this directory for the scoring rules. Always exits 0: this is a measurement.
"""

import argparse
import collections
import importlib.util
import json
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPO_ROOT = os.path.abspath(os.path.join(HERE, "..", "..", ".."))
CACHE = os.path.join(REPO_ROOT, ".cache", "eval-real")
CATEGORIES = ("static-credential", "excessive-scope", "missing-ttl", "governance")
LABELS = CATEGORIES + ("clean",)
TIMEOUT = 120

# the block parser of the synthetic corpus scorer (linter/eval/score.py)
_spec = importlib.util.spec_from_file_location("nhi_eval_score", os.path.join(HERE, "..", "score.py"))
base = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(base)

TYPE_FAMILY = [
    ("aws_", "aws"), ("google_", "gcp"), ("azurerm_", "azure"), ("azuread_", "azure"),
    ("vault_", "vault"), ("kubernetes_", "kubernetes"), ("github_", "github"), ("gitlab_", "gitlab"),
]
PROVIDER_FAMILY = {"aws": "aws", "google": "gcp", "google-beta": "gcp", "azurerm": "azure",
                   "azuread": "azure", "vault": "vault", "kubernetes": "kubernetes",
                   "github": "github", "gitlab": "gitlab"}
TFVARS_ASSIGN = re.compile(r'^\s*("?[A-Za-z_][A-Za-z0-9_-]*"?)\s*=')


# ---------------------------------------------------------------- inputs

def read_repos(path):
    repos = []
    with open(path, encoding="utf-8") as fh:
        for raw in fh:
            line = raw.split("#", 1)[0].strip()
            if not line:
                continue
            parts = line.split()
            spec = parts[0]
            name, _, commit = spec.partition("@")
            families = parts[2].split(",") if len(parts) > 2 else ["other"]
            repos.append({"name": name, "commit": commit, "subdir": parts[1] if len(parts) > 1 else ".",
                          "families": families, "key": name.replace("/", "__")})
    return repos


def read_labels(path):
    """-> (list of (path, line, label, reason), set of read files, warnings)"""
    labels, read, warns = [], set(), []
    with open(path, encoding="utf-8") as fh:
        for n, raw in enumerate(fh, start=1):
            line = raw.rstrip("\n").rstrip("\r")
            s = line.strip()
            if not s:
                continue
            m = re.match(r'^#\s*read:\s*(.+?)\s*$', s)
            if m:
                read.add(os.path.normpath(m.group(1)))
                continue
            if s.startswith("#"):
                continue
            cols = line.split("\t")
            if len(cols) < 3:
                cols = re.split(r'\s{2,}|\t', line)
            if len(cols) < 3:
                warns.append(f"{os.path.basename(path)}:{n}: unparsable line {line!r}")
                continue
            p, ln, lab = cols[0].strip(), cols[1].strip(), cols[2].strip().lower()
            if p == "path" and ln == "line":
                continue
            if not ln.isdigit():
                warns.append(f"{os.path.basename(path)}:{n}: bad line number {ln!r}")
                continue
            reason = "\t".join(cols[3:]).strip() if len(cols) > 3 else ""
            for one in re.split(r'[,;+ ]+', lab):
                if one not in LABELS:
                    warns.append(f"{os.path.basename(path)}:{n}: unknown label {one!r}")
                    continue
                labels.append((os.path.normpath(p), int(ln), one, reason))
    return labels, read, warns


# ---------------------------------------------------------------- blocks

class Block:
    def __init__(self, repo, path, start, end, kind, address, family):
        self.repo, self.path, self.start, self.end = repo, path, start, end
        self.kind, self.address, self.family = kind, address, family
        self.expected = collections.Counter()
        self.reasons = []
        self.labelled = False
        self.found = []

    def key(self):
        return (self.repo, self.path, self.start)


def addr_words(address):
    """`resource "aws_x" "y"` / `data aws_x "y"` -> ["aws_x", "y"] (labels quoted or bare)."""
    return [w.strip('"') for w in address.split()[1:]]


def block_family(kind, address, repo_family):
    words = addr_words(address)
    typ = words[0] if words else ""
    if kind in ("resource", "data", "ephemeral"):
        for prefix, fam in TYPE_FAMILY:
            if typ.startswith(prefix):
                return fam
        return typ.split("_")[0] if "_" in typ else "other"
    if kind == "provider":
        return PROVIDER_FAMILY.get(typ, typ or "other")
    return repo_family


def tfvars_blocks(root, rel, repo, family):
    lines = base._lines(root, rel)
    blocks, depth, heredoc, cur = [], 0, None, None
    for idx, raw in enumerate(lines, start=1):
        if heredoc:
            if raw.strip() == heredoc:
                heredoc = None
            continue
        if depth == 0:
            m = TFVARS_ASSIGN.match(raw)
            if m:
                cur = Block(repo, rel, idx, idx, "tfvars", "tfvars " + m.group(1).strip('"'), family)
                blocks.append(cur)
        code = base.strip_strings(raw)
        hm = re.search(r'<<-?\s*([A-Za-z_][A-Za-z0-9_]*)\s*$', code)
        depth += code.count("{") + code.count("[") - code.count("}") - code.count("]")
        depth = max(depth, 0)
        if cur is not None:
            cur.end = idx
        if hm:
            heredoc = hm.group(1)
    return blocks


def collect_blocks(root, repo, family):
    blocks = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        for fn in sorted(filenames):
            rel = os.path.normpath(os.path.relpath(os.path.join(dirpath, fn), root))
            if not os.path.isfile(os.path.join(root, rel)):
                continue  # a symbolic link to a file outside the extracted subdirs
            if fn.endswith(".tfvars"):
                blocks += tfvars_blocks(root, rel, repo, family)
            elif fn.endswith((".tf", ".tofu")):
                bs, _ = base.parse_file(root, rel)
                for b in bs:
                    blocks.append(Block(repo, rel, b.start, b.end, b.kind, b.address,
                                        block_family(b.kind, b.address, family)))
    return blocks


def block_refs(b):
    """Names by which other blocks can reference this block."""
    words = addr_words(b.address)
    if b.kind == "resource" and len(words) >= 2:
        return [f"{words[0]}.{words[1]}"]
    if b.kind == "data" and len(words) >= 2:
        return [f"data.{words[0]}.{words[1]}"]
    if b.kind == "variable" and words:
        return [f"var.{words[0]}"]
    if b.kind == "module" and words:
        return [f"module.{words[0]}"]
    if b.kind == "tfvars":
        return [f"var.{b.address.split()[-1]}"]
    if b.kind == "locals":
        return []   # filled in lazily from the text
    return []


def block_text(root, b):
    return "\n".join(base._lines(root, b.path)[b.start - 1:b.end])


def references(root, a, b):
    """Does block a's text reference block b (or b reference a)?"""
    def refs(x):
        r = block_refs(x)
        if x.kind == "locals":
            for line in base._lines(root, x.path)[x.start:x.end - 1]:
                m = re.match(r'^\s{1,4}([A-Za-z_][A-Za-z0-9_-]*)\s*=', line)
                if m:
                    r.append(f"local.{m.group(1)}")
        return r
    ta, tb = block_text(root, a), block_text(root, b)
    for ref in refs(b):
        if re.search(re.escape(ref) + r'\b', ta):
            return True
    for ref in refs(a):
        if re.search(re.escape(ref) + r'\b', tb):
            return True
    return False


# ---------------------------------------------------------------- linter

def run_linter(binary, cwd):
    try:
        p = subprocess.run([binary, "check", "--format", "json", "."], cwd=cwd,
                           capture_output=True, text=True, timeout=TIMEOUT)
    except FileNotFoundError:
        return None, "n/a", f"binary not found: {binary}"
    except subprocess.TimeoutExpired:
        return None, "timeout", f"timed out after {TIMEOUT}s"
    out = p.stdout.strip()
    try:
        doc = json.loads(out) if out else {}
    except json.JSONDecodeError as e:
        return None, p.returncode, f"unparsable JSON ({e}); stderr: {p.stderr.strip()[-300:]}"
    return doc, p.returncode, p.stderr


def assign(findings, blocks, root):
    by_file = collections.defaultdict(list)
    for b in blocks:
        by_file[b.path].append(b)
    for bs in by_file.values():
        bs.sort(key=lambda b: b.start)
    extra = {}
    for f in findings:
        rel = os.path.normpath(f.get("path") or f.get("file") or "")
        if os.path.isabs(rel):
            rel = os.path.relpath(rel, root)
        line = base.finding_line(f)
        f["_rel"], f["_line"] = rel, line
        cands = by_file.get(rel, [])
        target = None
        if rel.endswith(".tfvars"):
            before = [b for b in cands if b.start <= line]
            target = before[-1] if before else None
        else:
            for b in cands:
                if b.start <= line <= b.end:
                    target = b
            if target is None:
                after = [b for b in cands if b.start > line]
                lines = base._lines(root, rel)
                if after and all(not l.strip() or l.strip().startswith(("#", "//"))
                                 for l in lines[max(line - 1, 0):after[0].start - 1]):
                    target = after[0]
        if target is None:
            k = (rel, 0)
            if k not in extra:
                extra[k] = Block(cands[0].repo if cands else "?", rel, 0, 0, "file", f"(file-level) {rel}", "other")
            target = extra[k]
        target.found.append(f)
    return list(extra.values())


# ---------------------------------------------------------------- tallies

class Tally:
    def __init__(self):
        self.tp = self.fn = self.fp = self.dup = 0

    def recall(self):
        d = self.tp + self.fn
        return self.tp / d if d else float("nan")

    def precision(self):
        d = self.tp + self.fp + self.dup
        return self.tp / d if d else float("nan")

    def row(self, name):
        return (f"  {name:<22} recall {fmt(self.recall())}  precision {fmt(self.precision())}"
                f"   tp {self.tp:>3}  miss {self.fn:>3}  fp {self.fp:>3}  dup {self.dup:>3}")


def fmt(x):
    return "  n/a" if x != x else f"{x:.3f}"


def short(s, n=150):
    s = " ".join(str(s or "").split())
    return s if len(s) <= n else s[:n - 1] + "…"


# ---------------------------------------------------------------- main

def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bin", default=os.environ.get("NHI_LINT", os.path.join(REPO_ROOT, "target", "debug", "nhi-lint")))
    ap.add_argument("--repo", help="limit to one repository (owner/repo, owner__repo or repo)")
    ap.add_argument("--show", type=int, default=40, help="max misses / FPs listed per section")
    ap.add_argument("--json-out", help="write per-block results here")
    later = sorted(n[:-4] for n in os.listdir(HERE) if n.endswith(".txt") and n not in ("repos.txt", "validation.txt"))
    ap.add_argument("--batch", choices=["all", "first", "validation", *later], default="all",
                    help="first: the batch labelled before any fix; validation: the second blind batch "
                         "(validation.txt); any other NAME: a later blind batch (NAME.txt, e.g. third); "
                         "all: first and validation")
    ap.add_argument("--risks-only", action="store_true",
                    help="score the three risk categories only: governance labels are dropped (a block "
                         "labelled only governance is then unlabelled), as in a set labelled without them")
    args = ap.parse_args()
    binary = os.path.abspath(args.bin) if os.sep in args.bin else args.bin

    repos = read_repos(os.path.join(HERE, "repos.txt"))
    validation_path = os.path.join(HERE, "validation.txt")
    second = {r["key"] for r in read_repos(validation_path)} if os.path.isfile(validation_path) else set()
    if args.batch == "first":
        repos = [r for r in repos if r["key"] not in second]
    elif args.batch == "validation":
        repos = [r for r in repos if r["key"] in second]
    elif args.batch in later:
        repos = read_repos(os.path.join(HERE, f"{args.batch}.txt"))
    if args.repo:
        want = args.repo.replace("/", "__")
        repos = [r for r in repos if want in (r["key"], r["name"].split("/")[-1])]
        if not repos:
            print(f"no repository matches {args.repo!r}")
            return

    all_blocks, warnings, run_notes, read_sets = [], [], [], {}
    total_findings = 0
    for r in repos:
        lab_path = os.path.join(HERE, "labels", r["key"] + ".tsv")
        root = os.path.join(CACHE, r["key"])
        if not os.path.isfile(lab_path):
            warnings.append(f"{r['name']}: no label file, skipped")
            continue
        if not os.path.isdir(root):
            warnings.append(f"{r['name']}: no cache dir {os.path.relpath(root, REPO_ROOT)}, skipped (see README)")
            continue
        labels, read, warns = read_labels(lab_path)
        warnings += warns
        read_sets[r["key"]] = read
        fam = r["families"][0]
        blocks = collect_blocks(root, r["key"], fam)
        by_start = {(b.path, b.start): b for b in blocks}
        for p, ln, lab, reason in labels:
            if args.risks_only and lab == "governance":
                continue
            b = by_start.get((p, ln))
            if b is None:
                inside = [x for x in blocks if x.path == p and x.start <= ln <= x.end]
                if inside:
                    b = inside[-1]
                    warnings.append(f"{r['key']}: {p}:{ln} is not a block header; used enclosing block at line {b.start}")
                else:
                    warnings.append(f"{r['key']}: {p}:{ln} ({lab}) matches no top-level block; label ignored")
                    continue
            b.labelled = True
            if lab != "clean":
                b.expected[lab] += 1
            if reason and reason not in b.reasons:
                b.reasons.append(reason)
        doc, rc, err = run_linter(binary, root)
        if doc is None:
            run_notes.append(f"{r['name']}: linter failed ({rc}): {short(err, 300)}")
            findings = []
        else:
            findings = base.extract_findings(doc)
            errs = doc.get("errors") if isinstance(doc, dict) else None
            note = f"{r['name']}: exit {rc}, {len(findings)} findings"
            if errs:
                note += f", {len(errs)} errors (first: {short(json.dumps(errs[0]), 160)})"
            run_notes.append(note)
        total_findings += len(findings)
        extra = assign(findings, blocks, root)
        for b in blocks + extra:
            b.root = root
        all_blocks += blocks + extra

    # ---------------------------------------------------------------- headline
    overall = Tally()
    per_cat, per_fam = collections.defaultdict(Tally), collections.defaultdict(Tally)
    misses, fps, dups, tps = [], [], [], []
    used = set()   # ids of findings counted as tp
    for b in all_blocks:
        if not b.labelled:
            continue
        got = collections.defaultdict(list)
        for f in b.found:
            got[str(f.get("category", "?"))].append(f)
        b.result = {"tp": collections.Counter(), "miss": collections.Counter(), "fp": [], "dup": []}
        for cat in set(got) | set(b.expected):
            e, g = b.expected[cat], len(got[cat])
            tp = min(e, g)
            for t in (overall, per_cat[cat], per_fam[b.family]):
                t.tp += tp
                t.fn += e - tp
            for f in got[cat][:tp]:
                used.add(id(f))
                tps.append((b, f))
            b.result["tp"][cat] += tp
            if e > g:
                b.result["miss"][cat] += e - g
                for _ in range(e - g):
                    misses.append((b, cat))
            for f in got[cat][e:]:
                if e:
                    dups.append((b, f))
                    b.result["dup"].append(f)
                    for t in (overall, per_cat[cat], per_fam[b.family]):
                        t.dup += 1
                else:
                    fps.append((b, f))
                    b.result["fp"].append(f)
                    for t in (overall, per_cat[cat], per_fam[b.family]):
                        t.fp += 1

    # ---------------------------------------------------------------- read-files precision
    read_fp = []
    unjudged = 0
    for b in all_blocks:
        if b.labelled:
            continue
        if b.path in read_sets.get(b.repo, ()):
            read_fp += [(b, f) for f in b.found]
        else:
            unjudged += len(b.found)
    rp = Tally()
    rp.tp, rp.fn, rp.fp, rp.dup = overall.tp, overall.fn, overall.fp + len(read_fp), overall.dup
    rp_cat = collections.defaultdict(Tally)
    for cat, t in per_cat.items():
        rp_cat[cat].tp, rp_cat[cat].fp, rp_cat[cat].dup = t.tp, t.fp, t.dup
    for _, f in read_fp:
        rp_cat[str(f.get("category"))].fp += 1

    # ---------------------------------------------------------------- lenient recall
    pool = collections.defaultdict(list)   # (repo, path, cat) -> [(block, finding)] not used as tp
    for b in all_blocks:
        for f in b.found:
            if id(f) not in used:
                pool[(b.repo, f["_rel"], str(f.get("category")))].append((b, f))
    forgiven_ref, forgiven_file = [], []
    taken = set()
    for b, cat in misses:
        cands = [(fb, f) for fb, f in pool.get((b.repo, b.path, cat), []) if id(f) not in taken]
        hit = next(((fb, f) for fb, f in cands if fb is not b and fb.kind != "file" and references(b.root, fb, b)), None)
        if hit:
            taken.add(id(hit[1]))
            forgiven_ref.append((b, cat, hit))
    taken_file = set(taken)
    for b, cat in misses:
        if any(x[0] is b and x[1] == cat for x in forgiven_ref):
            continue
        cands = [(fb, f) for fb, f in pool.get((b.repo, b.path, cat), []) if id(f) not in taken_file and fb is not b]
        if cands:
            taken_file.add(id(cands[0][1]))
            forgiven_file.append((b, cat, cands[0]))
    len_ref = overall.tp + len(forgiven_ref)
    len_file = len_ref + len(forgiven_file)
    exp_total = overall.tp + overall.fn

    # ---------------------------------------------------------------- report
    labelled = [b for b in all_blocks if b.labelled]
    print(f"nhi-lint real-world blind set — binary {args.bin}")
    print(f"repos {len(read_sets)}, labelled blocks {len(labelled)} "
          f"({sum(1 for b in labelled if not b.expected)} clean, {sum(1 for b in labelled if b.expected)} risky), "
          f"risk labels {exp_total}, findings {total_findings} "
          f"(on labelled blocks {sum(len(b.found) for b in labelled)}, on unlabelled blocks of read files {len(read_fp)}, "
          f"elsewhere/unjudged {unjudged})")
    print("\nlinter runs:")
    for n in run_notes:
        print("  " + n)
    if warnings:
        print("\nwarnings:")
        for w in warnings:
            print("  " + w)

    print("\n=== HEADLINE (labelled blocks only)")
    print(overall.row("OVERALL"))
    print(" per category:")
    for c in CATEGORIES:
        if c in per_cat:
            print(per_cat[c].row(c))
    for c in sorted(set(per_cat) - set(CATEGORIES)):
        print(per_cat[c].row(c))
    print(" per family:")
    for k in sorted(per_fam):
        print(per_fam[k].row(k))
    print(" per repository (recall tp/expected, fp+dup):")
    per_repo = collections.defaultdict(Tally)
    for b in labelled:
        t = per_repo[b.repo]
        t.tp += sum(b.result["tp"].values())
        t.fn += sum(b.result["miss"].values())
        t.fp += len(b.result["fp"])
        t.dup += len(b.result["dup"])
    for k in sorted(per_repo):
        print(per_repo[k].row(k[:22]))

    print("\n=== SECONDARY")
    print(f"  read-files precision (findings on unlabelled blocks of `# read:` files count as FP): "
          f"{fmt(rp.precision())}   (tp {rp.tp}, fp {rp.fp}, dup {rp.dup})")
    for c in sorted(rp_cat):
        print(f"    {c:<20} {fmt(rp_cat[c].precision())}   (tp {rp_cat[c].tp}, fp {rp_cat[c].fp}, dup {rp_cat[c].dup})")
    print(f"  lenient recall (miss forgiven if a same-category finding sits in the same file on a block "
          f"that references the labelled block or is referenced by it): {fmt(len_ref / exp_total if exp_total else float('nan'))}"
          f"   ({len_ref}/{exp_total}, {len(forgiven_ref)} forgiven)")
    print(f"  very lenient recall (same file, same category, any block): "
          f"{fmt(len_file / exp_total if exp_total else float('nan'))}   ({len_file}/{exp_total})")

    def label_str(b):
        return ",".join(sorted(b.expected.elements())) or "clean"

    def found_str(b):
        return "; ".join(f"{f.get('code')}[{f.get('category')}]@{f['_line']}" for f in b.found) or "-"

    print(f"\n=== MISSES ({len(misses)})")
    for b, cat in sorted(misses, key=lambda x: (x[0].repo, x[0].path, x[0].start))[:args.show]:
        lenient = ""
        for fb, c, (hb, hf) in forgiven_ref:
            if fb is b and c == cat:
                lenient = f"  [lenient: {hf.get('code')} on {hb.address}@{hb.start}]"
        print(f"  MISS {cat:<17} {b.repo}  {b.path}:{b.start}  {b.address}  [{b.family}]{lenient}")
        print(f"       reason: {short(' | '.join(b.reasons), 220)}")
        print(f"       found in block: {found_str(b)}")
    print(f"\n=== FALSE POSITIVES on labelled blocks ({len(fps)})")
    for b, f in sorted(fps, key=lambda x: (x[0].repo, x[1]['_rel'], x[1]['_line']))[:args.show]:
        print(f"  FP   {str(f.get('category')):<17} {b.repo}  {f['_rel']}:{f['_line']}  {b.address}@{b.start} [{b.family}] labelled {label_str(b)}")
        print(f"       finding: {f.get('code')} {short(f.get('message'))}")
        print(f"       reason: {short(' | '.join(b.reasons), 220)}")
    print(f"\n=== DUP (extra same-category findings on a labelled block; counted as FP) ({len(dups)})")
    for b, f in sorted(dups, key=lambda x: (x[0].repo, x[1]['_rel'], x[1]['_line']))[:args.show]:
        print(f"  DUP  {str(f.get('category')):<17} {b.repo}  {f['_rel']}:{f['_line']}  {b.address}@{b.start} labelled {label_str(b)}"
              f"  -- {f.get('code')} {short(f.get('message'), 120)}")
    print(f"\n=== READ-FILE FINDINGS on unlabelled blocks (secondary FPs) ({len(read_fp)})")
    for b, f in sorted(read_fp, key=lambda x: (x[0].repo, x[1]['_rel'], x[1]['_line']))[:args.show]:
        print(f"  RFP  {str(f.get('category')):<17} {b.repo}  {f['_rel']}:{f['_line']}  {b.address}@{b.start}"
              f"  -- {f.get('code')} {short(f.get('message'), 140)}")
    codes = collections.Counter(str(f.get("code")) for _, f in fps + dups)
    if codes:
        print("\n FP+DUP by code: " + ", ".join(f"{c}×{n}" for c, n in codes.most_common()))
    rcodes = collections.Counter(str(f.get("code")) for _, f in read_fp)
    if rcodes:
        print(" read-file FP by code: " + ", ".join(f"{c}×{n}" for c, n in rcodes.most_common()))
    mf = collections.Counter((b.family, c) for b, c in misses)
    if mf:
        print(" misses by family/category: " + ", ".join(f"{p}/{c}×{n}" for (p, c), n in mf.most_common()))

    if args.json_out:
        def fj(f):
            return {"path": f["_rel"], "line": f["_line"], "code": f.get("code"), "category": f.get("category"),
                    "message": f.get("message"), "address": f.get("address")}
        out = {
            "binary": args.bin,
            "headline": {"tp": overall.tp, "miss": overall.fn, "fp": overall.fp, "dup": overall.dup,
                         "recall": overall.recall(), "precision": overall.precision()},
            "per_category": {k: vars(v) for k, v in per_cat.items()},
            "per_family": {k: vars(v) for k, v in per_fam.items()},
            "read_files_precision": rp.precision(),
            "lenient_recall": len_ref / exp_total if exp_total else None,
            "very_lenient_recall": len_file / exp_total if exp_total else None,
            "blocks": [{
                "repo": b.repo, "path": b.path, "line": b.start, "end": b.end, "address": b.address,
                "family": b.family, "labels": sorted(b.expected.elements()) or ["clean"], "reasons": b.reasons,
                "tp": dict(b.result["tp"]), "miss": dict(b.result["miss"]),
                "fp": [fj(f) for f in b.result["fp"]], "dup": [fj(f) for f in b.result["dup"]],
                "findings": [fj(f) for f in b.found],
            } for b in labelled],
            "read_file_fps": [dict(fj(f), repo=b.repo, block=b.address, block_line=b.start) for b, f in read_fp],
        }
        with open(args.json_out, "w") as fh:
            json.dump(out, fh, indent=1, default=str)


if __name__ == "__main__":
    try:
        main()
    except SystemExit as e:
        if e.code not in (0, None):
            print(e.code, file=sys.stderr)
    except Exception as e:  # a measurement must not fail the caller
        import traceback
        traceback.print_exc()
    sys.exit(0)
