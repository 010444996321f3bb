"""Writes docs/formats.md: every format spanlab speaks, as spanlab writes it
from docs/example.json (an article of the sample corpus, annotated).

usage: python3 docs/make-formats.py [path/to/spanlab]   (default target/debug/spanlab)

tests/cli.rs checks that docs/formats.md is what the tool writes today.
"""
import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "target", "debug", "spanlab")
EXAMPLE = os.path.join(ROOT, "docs", "example.json")

SECTIONS = [
    ("spanlab", [], "The gold dataset (`shared/dataset-format.md`): the reference every other format is converted from and to."),
    ("spanlab", ["--offsets", "utf16"], "The same with `--offsets utf16`: offsets count UTF-16 units and the file says so."),
    ("doccano", [], "doccano JSONL, relation shape (chosen because the document has relations; `--shape ner` gives `\"label\": [[start, end, \"TYPE\"]]`). The document's id, source and status travel as extra keys, which doccano keeps as metadata. Every character outside ASCII is a `\\uXXXX` escape, so doccano's \"Auto\" encoding detection reads the file as ASCII (it takes UTF-8 with a few accents or an emoji for Windows-1254); any JSON reader gives back the same text."),
    ("doccano", ["--shape", "ner"], "doccano's sequence-labelling shape: it has no place for relations, and the report says so."),
    ("spacy-jsonl", [], "spaCy / Prodigy JSONL. Tokens are cut at every entity boundary; `ws` is spaCy's trailing space; a relation's `head` and `child` are the last tokens of its spans."),
    ("label-studio", [], "Label Studio tasks (`--from-name`/`--to-name` name the labels control and the text object; pending suggestions go to `predictions`). A document not started (status `new`) has no `annotations`, only `predictions`: Label Studio counts a task with an annotation as labelled."),
    ("brat", [], "brat standoff: a folder of `.txt` + `.ann`, with an `annotation.conf` made from the schema (and a `visual.conf` with its colours)."),
    ("conll", [], "CoNLL-2003 style IOB2, each document after `-DOCSTART- -X- O O`, the delimiter `spacy convert --converter ner` splits on (readers that skip `-DOCSTART-` lines skip it too). Import with `--texts` (the original documents) re-attaches tokens to the text by offset; without it the text is rebuilt from the tokens."),
    ("docbin", [], "spaCy's binary `DocBin` (`.spacy`), what `spacy train` reads: binary, so here is what spaCy sees (`DocBin().from_disk(path).get_docs(nlp.vocab)`)."),
]

EXT = {"spanlab": "json", "doccano": "jsonl", "spacy-jsonl": "jsonl", "label-studio": "json", "conll": "conll", "docbin": "spacy", "brat": ""}


def run(fmt, extra, out):
    cmd = [BIN, "convert", EXAMPLE, out, "--to", fmt] + extra
    r = subprocess.run(cmd, capture_output=True, text=True, check=True)
    # The report of the writing half (the reading half says "read").
    lines = r.stdout.splitlines()
    i = next(k for k, l in enumerate(lines) if l.startswith("wrote ") and " as " not in l)
    return "\n".join(lines[i + 1:])


def main():
    parts = ["# Formats, as spanlab writes them\n",
             "Every example below is written by `spanlab convert docs/example.json OUT --to FORMAT`",
             "from one article of the sample corpus (`assets/corpus/breves-fr-en.jsonl`, first line),",
             "annotated with six entities and two relations. Regenerate with",
             "`python3 docs/make-formats.py`; `cargo test` checks that this file is what the tool writes.\n"]
    with tempfile.TemporaryDirectory() as tmp:
        for fmt, extra, about in SECTIONS:
            name = fmt + ("" if not extra else " " + " ".join(extra))
            out = os.path.join(tmp, fmt.replace("-", "_") + ("_" + "_".join(e.strip("-") for e in extra) if extra else "") + ("." + EXT[fmt] if EXT[fmt] else ""))
            report = run(fmt, extra, out)
            parts.append(f"## `--to {name}`\n")
            parts.append(about + "\n")
            if fmt == "brat":
                for f in sorted(os.listdir(out)):
                    parts.append(f"`{f}`:\n")
                    parts.append("```\n" + open(os.path.join(out, f), encoding="utf-8").read().rstrip("\n") + "\n```\n")
            elif fmt == "docbin":
                py = os.environ.get("SPANLAB_SPACY_PYTHON", os.path.expanduser("~/.cache/spanlab-peer-venv/bin/python"))
                code = ("import spacy, sys\nfrom spacy.tokens import DocBin\n"
                        "nlp = spacy.blank('fr')\n"
                        "for doc in DocBin().from_disk(sys.argv[1]).get_docs(nlp.vocab):\n"
                        "    print(repr(doc.text[:60]) + '…', len(doc), 'tokens')\n"
                        "    print([(e.text, e.label_, e.start_char, e.end_char) for e in doc.ents])\n"
                        "    print(doc.user_data)\n")
                shown = subprocess.run([py, "-c", code, out], capture_output=True, text=True, check=True).stdout
                parts.append("```python\n" + code.replace("sys.argv[1]", "'example.spacy'").replace("import spacy, sys", "import spacy") + "```\n")
                parts.append("prints (spaCy 3.8):\n")
                parts.append("```\n" + shown.rstrip("\n") + "\n```\n")
            else:
                parts.append("```\n" + open(out, encoding="utf-8").read().rstrip("\n") + "\n```\n")
            parts.append("The report:\n")
            parts.append("```\n" + report + "\n```\n")
    with open(os.path.join(ROOT, "docs", "formats.md"), "w", encoding="utf-8") as f:
        f.write("\n".join(parts))


if __name__ == "__main__":
    main()
