#!/usr/bin/env python3
"""Fills .cache/eval-real/ from git snapshots of the repositories of every batch list (*.txt here).

    python3 linter/eval/real/extract.py --mirror /work/.mirror

expects each repository's git directory at MIRROR/<owner>+<repo>/repo (bare, or with a .git
inside), as the team's fetch tool leaves them. Only Terraform and OpenTofu files (*.tf, *.tf.json,
*.tofu, *.tofu.json, *.tfvars, *.tfvars.json) and the documents they may read (*.json, *.hcl, *.tpl, *.tftpl, *.tmpl, *.yaml, *.yml,
and the scripts and SQL that boot data and provisioners load: *.sh, *.ps1, *.sql) under
the listed subdirs, at the pinned commit, are extracted, keeping their paths. Python stdlib only.
"""
import argparse
import fnmatch
import io
import os
import resource
import subprocess
import sys
import tarfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", "..", ".."))


def braces(pattern):
    """Shell-style {a,b} expansion (no nesting needed by our lists)."""
    start = pattern.find("{")
    if start < 0:
        return [pattern]
    end = pattern.find("}", start)
    if end < 0:
        return [pattern]
    head, body, tail = pattern[:start], pattern[start + 1:end], pattern[end + 1:]
    return [x for alt in body.split(",") for x in braces(head + alt + tail)]


def split_top(text):
    """Splits on commas that are not inside braces."""
    out, depth, cur = [], 0, ""
    for ch in text:
        depth += ch == "{"
        depth -= ch == "}"
        if ch == "," and depth == 0:
            out.append(cur)
            cur = ""
        else:
            cur += ch
    return out + [cur]


def literal_dir(pattern):
    """The directory part of a pattern before its first wildcard ("." for the root)."""
    if pattern == ".":
        return "."
    head = pattern
    for ch in "*?[":
        head = head.split(ch)[0]
    head = head.rsplit("/", 1)[0] if "/" in head else ""
    return head or "."


# Terraform files, and the documents they read with file() / templatefile(): policies, Vault
# policy HCL, templates, cloud-init and manifests. A rule judges what a policy file grants only
# when the file is there, as it is on a user's machine.
EXTENSIONS = (
    ".tf", ".tf.json", ".tofu", ".tofu.json", ".tfvars", ".tfvars.json",
    ".json", ".hcl", ".tpl", ".tftpl", ".tmpl", ".yaml", ".yml",
    # Scripts and SQL that `file()` and `templatefile()` hand to machines at boot.
    ".sh", ".ps1", ".sql",
)


def wanted(path, patterns):
    if not path.endswith(EXTENSIONS):
        return False
    parts = path.split("/")
    for pat in patterns:
        if pat == ".":
            return True
        for i in range(1, len(parts) + 1):
            if fnmatch.fnmatchcase("/".join(parts[:i]), pat):
                return True
    return False


def limited():
    """Caps git's memory: a damaged snapshot then fails cleanly instead of exhausting the machine."""
    resource.setrlimit(resource.RLIMIT_AS, (4 << 30, 4 << 30))


def entries():
    seen = set()
    for name in sorted(n for n in os.listdir(HERE) if n.endswith(".txt")):
        for line in open(os.path.join(HERE, name)):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            spec, subdirs = line.split()[0], line.split()[1]
            if spec in seen:
                continue
            seen.add(spec)
            repo, commit = spec.split("@")
            yield repo, commit, [p for s in split_top(subdirs) for p in braces(s)]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--mirror", required=True)
    args = ap.parse_args()
    failed = 0
    for repo, commit, patterns in entries():
        base = os.path.join(args.mirror, repo.replace("/", "+"), "repo")
        gitdir = os.path.join(base, ".git") if os.path.isdir(os.path.join(base, ".git")) else base
        git = ["git", f"--git-dir={gitdir}"]
        # List only under the literal part of each pattern: whole trees of large repositories
        # are slow (and in some snapshots too large) to list.
        prefixes = sorted({literal_dir(p) for p in patterns})
        try:
            names = subprocess.run(git + ["ls-tree", "-r", "--name-only", commit, "--"] + prefixes,
                                   check=True, capture_output=True, text=True, preexec_fn=limited).stdout.splitlines()
        except subprocess.CalledProcessError as e:
            print(f"{repo}: {e.stderr.strip()}", file=sys.stderr)
            failed += 1
            continue
        paths = [n for n in names if wanted(n, patterns)]
        dest = os.path.join(ROOT, ".cache", "eval-real", repo.replace("/", "__"))
        os.makedirs(dest, exist_ok=True)
        if paths:
            try:
                tar = subprocess.run(git + ["archive", "--format=tar", commit, "--"] + paths, check=True,
                                     capture_output=True, preexec_fn=limited).stdout
            except subprocess.CalledProcessError as e:
                print(f"{repo}: {e.stderr.decode(errors='replace').strip()[:300]}", file=sys.stderr)
                failed += 1
                continue
            with tarfile.open(fileobj=io.BytesIO(tar)) as t:
                t.extractall(dest, filter="data")
        print(f"{repo}: {len(paths)} files")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
