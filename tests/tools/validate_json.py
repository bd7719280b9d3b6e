#!/usr/bin/env python3
"""Validate JSON documents against a JSON Schema; print one line per file.

usage: validate_json.py SCHEMA FILE...   (exit 1 if any file is invalid)
"""
import json
import sys

import jsonschema


def main():
    schema = json.load(open(sys.argv[1], encoding="utf-8"))
    bad = 0
    for path in sys.argv[2:]:
        try:
            doc = json.load(open(path, encoding="utf-8"))
            jsonschema.validate(doc, schema)
            # cross-field checks the schema cannot state
            n, m = len(doc["states"]), len(doc["symbol_classes"])
            assert 0 <= doc["start"] < n, "start out of range"
            assert len(doc["transitions"]) == n * m, "not one transition per (state, symbol class)"
            for t in doc["transitions"]:
                assert t["to"] < n and t["from"] < n and t["symbol_class"] < m
            for s in doc["symbols"]:
                assert s["class"] < m
            print(f"{path}: valid")
        except Exception as e:  # report and go on to the next file
            print(f"{path}: INVALID: {e}")
            bad += 1
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
