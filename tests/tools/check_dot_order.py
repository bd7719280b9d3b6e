"""check_dot_order.py FSA.dot FSA.json: on every edge of the graph the
symbol classes appear busiest first (their JSON transition counts from that
state never increase along the label), and every symbol named on an edge is
one of the JSON's symbols.  Prints "dot order: ok N edges" or what is wrong."""
import json, re, sys

dot = open(sys.argv[1], encoding="utf-8").read()
fsa = json.load(open(sys.argv[2], encoding="utf-8"))
cls_of = {s["name"]: s["class"] for s in fsa["symbols"]}
count = {(t["from"], t["symbol_class"]): t.get("count", 0) for t in fsa["transitions"]}
edges = 0
for m in re.finditer(r'^  s(\d+) -> s(\d+) \[label="((?:[^"\\]|\\.)*)"', dot, re.M):
    s, label = int(m.group(1)), m.group(3)
    names = label.split("\\n(")[0]
    names = re.sub(r" \+\d+ more$", "", names)
    text = re.sub(r"\\(.)", r"\1", names).replace("&amp;", "&")
    seen = []
    for group in text.split(" | "):
        first = group.split(" ")[0]
        if first not in cls_of:
            sys.exit("dot order: unknown symbol %r on an edge from s%d" % (first, s))
        seen.append(count[(s, cls_of[first])])
    if any(a < b for a, b in zip(seen, seen[1:])):
        sys.exit("dot order: edge from s%d lists classes with counts %s" % (s, seen))
    edges += 1
print("dot order: ok %d edges" % edges)
