"""Writes a DocBin with spaCy itself, for spanlab to read.

usage: python tests/spacy_write.py GOLD.json OUT.spacy EXPECTED.json

For each document of GOLD.json (a spanlab gold dataset): spaCy's own French
tokenizer (`spacy.blank("fr")`) cuts the text, and `doc.ents` gets every gold
entity that overlaps no other and that `char_span(alignment_mode="strict")`
finds on spaCy's tokens. The first document with text also gets a category,
a span group and a user_data entry, which spanlab reports as not read. The
DocBin is spaCy's default (every attribute), with user data.

EXPECTED.json is what spanlab must read back: per document, in order, the
text and the entities that went into `doc.ents` as [start, end, label] in
code points, and the names of what it must report.
"""
import json
import sys

import spacy
from spacy.tokens import DocBin, Span


def lone(entities):
    """Entities that overlap no other: the ones doc.ents can hold."""
    return [
        e
        for e in entities
        if not any(o is not e and o["start"] < e["end"] and e["start"] < o["end"] for o in entities)
    ]


def main():
    gold_path, out_path, expected_path = sys.argv[1:4]
    gold = json.load(open(gold_path, encoding="utf-8"))["documents"]
    nlp = spacy.blank("fr")
    db = DocBin(store_user_data=True)
    expected = []
    extras_done = False
    for g in gold:
        doc = nlp(g["text"])
        ents = []
        for e in lone(g["entities"]):
            span = doc.char_span(e["start"], e["end"], label=e["label"], alignment_mode="strict")
            if span is not None:
                ents.append(span)
        doc.ents = ents
        if not extras_done and g["text"]:
            doc.cats = {"POLITIQUE": 1.0}
            doc.spans["sc"] = [Span(doc, 0, 1, label="X")]
            doc.user_data["note"] = "from spaCy"
            extras_done = True
        db.add(doc)
        expected.append(
            {
                "text": doc.text,
                "entities": [[s.start_char, s.end_char, s.label_] for s in doc.ents],
            }
        )
    db.to_disk(out_path)
    report = ["text categories", "span groups", "user_data entries other than spanlab's"]
    json.dump({"documents": expected, "report": report}, open(expected_path, "w", encoding="utf-8"), ensure_ascii=False)
    print(f"spaCy {spacy.__version__}: wrote {len(expected)} documents, {sum(len(d['entities']) for d in expected)} entities in doc.ents")


if __name__ == "__main__":
    main()
