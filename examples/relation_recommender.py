#!/usr/bin/env python3
"""A relation recommender for spanlab (protocol version 2), with no dependencies.

spanlab's version 2 requests carry the entity spans it already has for the
text; this recommender answers relations between them, indexing the
request's spans ("relation_spans": "request"), and proposes no spans of its
own. It relates two spans of one sentence when a trigger word stands
between them and the schema's labels fit:

  python3 examples/relation_recommender.py --rule VISITS:PER:GPE:visite,visited
      --rule MEETS:PER:PER:rencontré,met

Each --rule is LABEL:HEAD:TAIL:word,word... (head first in the text). It
speaks one JSON request per line on stdin and answers one line on stdout:

Request:  {"protocol": "spanlab-recommender", "version": 2, "id": "doc-3",
           "text": "...", "labels": [...], "relation_labels": [...],
           "spans": [{"start": 0, "end": 6, "label": "PER"}, ...]}
Response: {"id": "doc-3", "spans": [], "relation_spans": "request",
           "relations": [{"head": 0, "tail": 1, "label": "VISITS", "score": 0.7}]}
Offsets are code points (Python str indices), end exclusive.
"""
import argparse
import json
import re
import sys


def parse_rule(text):
    label, head, tail, words = text.split(":", 3)
    return label, head, tail, [w.strip().lower() for w in words.split(",") if w.strip()]


def suggest(request, rules):
    text = request["text"]
    spans = request.get("spans") or []
    allowed = set(request.get("relation_labels") or [])
    order = sorted(range(len(spans)), key=lambda i: (spans[i]["start"], spans[i]["end"]))
    relations = []
    for a, i in enumerate(order):
        for j in order[a + 1:]:
            between = text[spans[i]["end"]:spans[j]["start"]]
            if re.search(r"[.!?]\s|\n", between):
                break
            words = set(re.findall(r"\w+", between.lower()))
            for label, head, tail, triggers in rules:
                if label in allowed and spans[i]["label"] == head and spans[j]["label"] == tail and words & set(triggers):
                    relations.append({"head": i, "tail": j, "label": label, "score": 0.7})
    return {"id": request.get("id"), "spans": [], "relation_spans": "request", "relations": relations}


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--rule", action="append", default=[], help="LABEL:HEAD:TAIL:word,word")
    rules = [parse_rule(r) for r in p.parse_args().rule]
    for line in sys.stdin:
        line = line.strip()
        if not line:
            continue
        try:
            answer = suggest(json.loads(line), rules)
        except Exception as e:  # answer something rather than hang the client
            answer = {"id": None, "spans": [], "error": str(e)}
        print(json.dumps(answer, ensure_ascii=False), flush=True)


if __name__ == "__main__":
    main()
