#!/usr/bin/env python3
"""chars_ref.py -- an independent reference for the chars tokenizer.

Usage: chars_ref.py AUTOMATON.json INPUT

Decodes each LF-terminated line of INPUT as UTF-8 with Python's own decoder
(errors="replace": one U+FFFD per maximal ill-formed subpart, the practice
docs/data.md specifies), maps code points to symbols through the automaton's
symbol table (unknown -> <unk>), runs the automaton and prints one class
name per line.
"""
import json
import re
import sys


def undisplay(name):
    """The character a symbol's display text (docs/audit.md) stands for."""
    if name == "<unk>":
        return name
    m = re.fullmatch(r"\\x([0-9A-F]{2})|\\u\{([0-9A-F]+)\}", name)
    if m:
        return chr(int(m.group(1) or m.group(2), 16))
    return "\\" if name == "\\\\" else name


def main():
    fsa = json.load(open(sys.argv[1], encoding="utf-8"))
    assert fsa["tokens"] == "chars"
    sym = {undisplay(s["name"]): s["class"] for s in fsa["symbols"]}
    unk = sym["<unk>"]
    nxt = {(t["from"], t["symbol_class"]): t["to"] for t in fsa["transitions"]}
    label = {s["id"]: s["label"] for s in fsa["states"]}
    with open(sys.argv[2], "rb") as f:
        for line in f.read().split(b"\n")[:-1]:
            st = fsa["start"]
            for ch in line.decode("utf-8", errors="replace"):
                st = nxt[(st, sym.get(ch, unk))]
            print(fsa["classes"][label[st]])


main()
