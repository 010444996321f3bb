"""Runs spaCy's own converter on a CoNLL file spanlab wrote and says what
spaCy found in it.

usage: python tests/spacy_convert.py FILE.conll OUTDIR

Runs `python -m spacy convert FILE OUTDIR --converter ner` with spaCy's
defaults (as a user would), loads the `.spacy` file it writes and prints
one JSON object: the number of documents, and each entity as
[document index, text, label]. Exits 1 when spaCy took a `-DOCSTART-` line
for tokens (it does when it finds no document delimiter it knows).
"""
import json
import os
import subprocess
import sys

import spacy
from spacy.tokens import DocBin


def main():
    src, out = sys.argv[1], sys.argv[2]
    os.makedirs(out, exist_ok=True)
    run = subprocess.run([sys.executable, "-m", "spacy", "convert", src, out, "--converter", "ner"],
                         capture_output=True, text=True)
    sys.stderr.write(run.stdout + run.stderr)
    if run.returncode != 0:
        sys.exit(f"spacy convert failed ({run.returncode})")
    stem = os.path.splitext(os.path.basename(src))[0]
    docs = list(DocBin().from_disk(os.path.join(out, stem + ".spacy")).get_docs(spacy.blank("xx").vocab))
    for i, doc in enumerate(docs):
        if any(t.text == "-DOCSTART-" for t in doc):
            sys.exit(f"document {i}: spaCy took -DOCSTART- for a token")
    ents = [[i, e.text, e.label_] for i, doc in enumerate(docs) for e in doc.ents]
    print(json.dumps({"spacy": spacy.__version__, "documents": len(docs), "entities": ents}, ensure_ascii=False))


if __name__ == "__main__":
    main()
