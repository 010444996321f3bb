"""Loads spanlab's spaCy exports in spaCy itself and checks every span.

usage: python tests/spacy_read.py GOLD.json [--jsonl FILE] [--docbin FILE]

GOLD.json is the gold dataset the exports were made from. For each document:
- spacy-jsonl: `Doc(vocab, words, spaces)` from the line's tokens must give
  back the text exactly, and every gold entity must be found with
  `doc.char_span(start, end, label, alignment_mode="strict")`, at the span's
  token_start/token_end; relations must point at their spans' last tokens;
  the non-overlapping spans must go into `doc.ents`.
- docbin: `DocBin().from_disk(FILE).get_docs(vocab)` must give the texts
  exactly, every gold entity must be found with `char_span(...,
  alignment_mode="strict")`, and `doc.ents` must hold every gold entity that
  overlaps no other.
Prints what it checked; exits 1 on the first failure.
"""
import argparse
import json
import sys

import spacy
from spacy.tokens import Doc, DocBin


def fail(msg):
    print(f"FAIL: {msg}")
    sys.exit(1)


def lone(entities):
    """Entities that overlap no other: the ones doc.ents can hold."""
    out = []
    for e in entities:
        if not any(o is not e and o["start"] < e["end"] and e["start"] < o["end"] for o in entities):
            out.append(e)
    return out


def check_jsonl(path, gold, vocab):
    lines = [json.loads(l) for l in open(path, encoding="utf-8") if l.strip()]
    if len(lines) != len(gold):
        fail(f"{path}: {len(lines)} lines for {len(gold)} documents")
    spans = rels = 0
    for line, g in zip(lines, gold):
        did = line["meta"]["id"]
        if did != g["id"] or line["text"] != g["text"]:
            fail(f"{path}: document {did}: id or text differs from the gold")
        toks = line["tokens"]
        doc = Doc(vocab, words=[t["text"] for t in toks], spaces=[t["ws"] for t in toks])
        if doc.text != g["text"]:
            fail(f"{path}: document {did}: Doc(words, spaces).text differs from the text")
        for t, tok in zip(toks, doc):
            if tok.idx != t["start"] or tok.idx + len(tok.text) != t["end"]:
                fail(f"{path}: document {did}: token {t['id']} offsets {t['start']}..{t['end']} but spaCy has {tok.idx}")
        by_pos = {(s["start"], s["end"], s["label"]): s for s in line["spans"]}
        for e in g["entities"]:
            s = by_pos.get((e["start"], e["end"], e["label"]))
            if s is None:
                fail(f"{path}: document {did}: entity {e['id']} {e['label']} [{e['start']}, {e['end']}) is not in spans")
            span = doc.char_span(e["start"], e["end"], label=e["label"], alignment_mode="strict")
            if span is None or span.text != e["text"]:
                fail(f"{path}: document {did}: char_span strict found no span for {e['id']} {e['text']!r}")
            if (span.start, span.end - 1) != (s["token_start"], s["token_end"]):
                fail(f"{path}: document {did}: {e['id']} is tokens {span.start}..{span.end - 1}, file says {s['token_start']}..{s['token_end']}")
            spans += 1
        doc.ents = [doc.char_span(e["start"], e["end"], label=e["label"], alignment_mode="strict") for e in lone(g["entities"])]
        for r in line["relations"]:
            if r["head"] != r["head_span"]["token_end"] or r["child"] != r["child_span"]["token_end"]:
                fail(f"{path}: document {did}: relation head/child are not their spans' last tokens")
            rels += 1
    print(f"{path}: {len(lines)} documents, {spans} spans found with char_span(strict), {rels} relations, texts identical")


def check_docbin(path, gold, vocab):
    docs = list(DocBin().from_disk(path).get_docs(vocab))
    if len(docs) != len(gold):
        fail(f"{path}: {len(docs)} docs for {len(gold)} documents")
    spans = ents = 0
    for doc, g in zip(docs, gold):
        did = g["id"]
        if doc.text != g["text"]:
            fail(f"{path}: document {did}: doc.text differs from the text")
        for e in g["entities"]:
            span = doc.char_span(e["start"], e["end"], label=e["label"], alignment_mode="strict")
            if span is None or span.text != e["text"]:
                fail(f"{path}: document {did}: char_span strict found no span for {e['id']} {e['text']!r}")
            spans += 1
        have = {(x.start_char, x.end_char, x.label_) for x in doc.ents}
        want = {(e["start"], e["end"], e["label"]) for e in lone(g["entities"])}
        if not want <= have:
            fail(f"{path}: document {did}: doc.ents lacks {sorted(want - have)[:3]}")
        every = {(e["start"], e["end"], e["label"]) for e in g["entities"]}
        if not have <= every:
            fail(f"{path}: document {did}: doc.ents has spans not in the gold: {sorted(have - every)[:3]}")
        ents += len(have)
    print(f"{path}: {len(docs)} documents, {spans} spans found with char_span(strict), {ents} in doc.ents, texts identical")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("gold")
    ap.add_argument("--jsonl")
    ap.add_argument("--docbin")
    a = ap.parse_args()
    gold = json.load(open(a.gold, encoding="utf-8"))["documents"]
    vocab = spacy.blank("fr").vocab
    print(f"spaCy {spacy.__version__}")
    if a.jsonl:
        check_jsonl(a.jsonl, gold, vocab)
    if a.docbin:
        check_docbin(a.docbin, gold, vocab)


if __name__ == "__main__":
    main()
