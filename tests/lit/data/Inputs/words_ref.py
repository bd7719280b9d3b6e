#!/usr/bin/env python3
"""words_ref.py -- an independent reference for the words tokenizer.

Usage: words_ref.py AUTOMATON.json INPUT punct|nopunct

Tokenizes each LF-terminated line of INPUT by the rules of docs/data.md
("words"), maps tokens to symbols through the automaton's symbol table
(unknown -> <unk>), runs the automaton and prints one class name per line.
Written from the documentation, not from compiler/tok.c or runtime/.
"""
import json
import sys


def tokens(line, punct):
    out, word = [], bytearray()
    for b in line:
        if b >= 0x80 or chr(b).isascii() and chr(b).isalnum():
            word.append(b + 32 if 65 <= b <= 90 else b)
            continue
        if word:
            out.append(bytes(word))
            word = bytearray()
        if 0x21 <= b <= 0x7E and punct:
            out.append(bytes([b]))
    if word:
        out.append(bytes(word))
    return out


def main():
    fsa = json.load(open(sys.argv[1], encoding="utf-8"))
    assert fsa["tokens"] == "words"
    sym = {s["name"].encode("utf-8"): s["class"] for s in fsa["symbols"]}
    unk = sym[b"<unk>"]
    nxt = {(t["from"], t["symbol_class"]): t["to"] for t in fsa["transitions"]}
    label = {s["id"]: s["label"] for s in fsa["states"]}
    punct = sys.argv[3] == "punct"
    with open(sys.argv[2], "rb") as f:
        for line in f.read().split(b"\n")[:-1]:
            st = fsa["start"]
            for t in tokens(line, punct):
                st = nxt[(st, sym.get(t, unk))]
            print(fsa["classes"][label[st]])


main()
