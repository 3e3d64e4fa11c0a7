#!/usr/bin/env python3
"""Adds or updates entries of a runner resource pair (Resources/<Area>.resx and <Area>.en.resx).

Usage: tools/resx.py AREA KEY "texte français" "English text" [KEY fr en]...
Creates the pair when it does not exist. Keeps the other entries as they are.
"""
import html
import os
import re
import sys

HEADER = """<?xml version="1.0" encoding="utf-8"?>
<root>
  <resheader name="resmimetype"><value>text/microsoft-resx</value></resheader>
  <resheader name="version"><value>2.0</value></resheader>
  <resheader name="reader"><value>System.Resources.ResXResourceReader, System.Windows.Forms, Version=4.0.0.0, Culture=neutral, PublicKeyToken=b77a5c561934e089</value></resheader>
  <resheader name="writer"><value>System.Resources.ResXResourceWriter, System.Windows.Forms, Version=4.0.0.0, Culture=neutral, PublicKeyToken=b77a5c561934e089</value></resheader>
</root>
"""
ENTRY = re.compile(r'  <data name="([^"]+)" xml:space="preserve"><value>(.*?)</value></data>\n', re.S)


def update(path, pairs):
    text = open(path, encoding="utf-8").read() if os.path.exists(path) else HEADER
    entries = dict(ENTRY.findall(text))
    for key, value in pairs:
        entries[key] = html.escape(value, quote=False)
    head = ENTRY.sub("", text).replace("</root>\n", "")
    body = "".join(f'  <data name="{k}" xml:space="preserve"><value>{v}</value></data>\n' for k, v in sorted(entries.items()))
    open(path, "w", encoding="utf-8").write(head + body + "</root>\n")


def main(argv):
    if len(argv) < 5 or (len(argv) - 2) % 3:
        sys.exit(__doc__)
    area, rest = argv[1], argv[2:]
    triples = [rest[i:i + 3] for i in range(0, len(rest), 3)]
    folder = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "runner", "Resources")
    update(os.path.join(folder, area + ".resx"), [(k, fr) for k, fr, _ in triples])
    update(os.path.join(folder, area + ".en.resx"), [(k, en) for k, _, en in triples])


if __name__ == "__main__":
    main(sys.argv)
