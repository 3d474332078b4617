#!/usr/bin/env python3
"""Fails when a secret shows up in what the test suite wrote: test results (trx, console log),
host logs, the services' logs.

  scripts/scan-secrets.py [--ledger FILE] PATH...      exit 0: clean, 1: secrets found, 2: bad usage

What counts as a secret:
  - every line of the ledger: the secrets the tests themselves made (passwords of their roles,
    key-encryption keys), written there by BackupFunctions.Testing.TestSecrets while
    BF_SECRETS_LEDGER is set (scripts/test.sh sets it, outside the scanned directories);
  - anything shaped like key material or a credential, whoever made it:
      a key file's "key": "<base64 of 32 bytes>", a BF_KEK_<ID>=<base64 of 32 bytes> assignment,
      Password=/Pwd= with a value in a connection string, AccountKey=<base64>,
      x-functions-key / code= values of 20 characters or more.
Not a secret (public, and printed on purpose): the Azurite development account key, the s3rver
default credentials (S3RVER), and values that are visibly masked (***, <redacted>, ...).
Hits are printed as file:line with the secret masked, so this output can be kept too.
"""
import argparse
import os
import re
import sys

# Published in Azurite's documentation and in every Azure Storage emulator; not a secret.
AZURITE_DEV_KEY = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
PUBLIC = {AZURITE_DEV_KEY, "S3RVER"}
MASKED = re.compile(r"^(\*+|<[^>]*>|\.\.\.|\{[^}]*\}|\$\w+|%s)$")

PATTERNS = [
    ("key file", re.compile(r'"key"\s*:\s*"([A-Za-z0-9+/]{43}=)"')),
    ("BF_KEK variable", re.compile(r"\bBF_KEK_(?!CURRENT\b)[A-Za-z0-9_.:-]+=([A-Za-z0-9+/]{43}=)")),
    ("connection string password", re.compile(r"(?i)(?<![A-Za-z])(?:password|pwd)\s*=\s*([^;'\"\s,)]+)")),
    ("storage account key", re.compile(r"(?i)AccountKey\s*=\s*([A-Za-z0-9+/]{20,}={0,2})")),
    ("function key", re.compile(r"(?i)(?:x-functions-key[\"']?\s*[:=]\s*[\"']?|[?&]code=)([A-Za-z0-9_\-+/=]{20,})")),
]

TEXT_SUFFIXES = (".trx", ".log", ".txt", ".xml", ".json", ".out", ".err")
MIN_LEDGER_SECRET = 8


def load_ledger(path):
    if not path or not os.path.exists(path):
        return []
    with open(path, encoding="utf-8", errors="replace") as f:
        return sorted({line.strip() for line in f if len(line.strip()) >= MIN_LEDGER_SECRET})


def files_under(paths):
    for p in paths:
        if os.path.isfile(p):
            yield p
        elif os.path.isdir(p):
            for root, _, names in os.walk(p):
                for n in names:
                    if n.endswith(TEXT_SUFFIXES) or "." not in n:
                        yield os.path.join(root, n)


def mask(secret):
    return secret[:3] + "…" if len(secret) > 6 else "…"


def scan_text(text, ledger):
    """(line number, kind, secret) for every hit in text."""
    hits = []
    for number, line in enumerate(text.splitlines(), 1):
        for secret in ledger:
            if secret in line:
                hits.append((number, "secret made by a test", secret))
        for kind, pattern in PATTERNS:
            for m in pattern.finditer(line):
                value = m.group(1)
                if value in PUBLIC or MASKED.match(value):
                    continue
                hits.append((number, kind, value))
    return hits


def scan(paths, ledger):
    found = []
    for path in files_under(paths):
        try:
            with open(path, encoding="utf-8", errors="replace") as f:
                text = f.read()
        except OSError as e:
            print(f"scan-secrets: cannot read {path}: {e}", file=sys.stderr)
            continue
        for number, kind, secret in scan_text(text, ledger):
            found.append((path, number, kind, secret))
    return found


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ledger", default=os.environ.get("BF_SECRETS_LEDGER"))
    parser.add_argument("paths", nargs="+")
    args = parser.parse_args(argv)
    ledger = load_ledger(args.ledger)
    found = scan(args.paths, ledger)
    for path, number, kind, secret in found:
        print(f"SECRET LEAKED: {path}:{number}: {kind} ({mask(secret)})")
    print(f"scan-secrets: {len(found)} hit(s) in {sum(1 for _ in files_under(args.paths))} file(s); "
          f"{len(ledger)} test-made secret(s) in the ledger")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
