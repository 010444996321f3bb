"""Reads a file spanlab wrote with another tool's own reader, and prints one
JSON line saying what that reader found in it.

usage:
  python tests/peers.py doccano FILE.jsonl
  python tests/peers.py seqeval FILE.conll

doccano: doccano 1.8.4 imports a file with the encoding "Auto" by default,
which guesses the encoding from the bytes with chardet (`chardet.detect` on
a file smaller than io.DEFAULT_BUFFER_SIZE, else a UniversalDetector fed
chunks of that size until it is done, UTF-8 when it never is), then opens
the file with that encoding and reads each line with `json.loads`. This
does the same with the chardet doccano pins (4.x), and prints the encoding
chosen, each document's text and its spans (`label`, or `entities` in the
relation shape) as
[text[start:end], label], in code points as Python counts them. It also
prints what chardet guesses for the same records written as raw UTF-8,
which is how spanlab wrote them before (`raw_utf8_encoding`).

seqeval: reads a CoNLL file as the CoNLL-2003 loaders do (a line starting
with -DOCSTART- starts a document and is no token, a blank line ends a
sentence, the first column is the token and the last the tag), and has
seqeval decode each sentence's tags in strict IOB2 (`seqeval.scheme.Tokens`,
as doccano's CoNLL import does; an invalid sequence is an error). Prints the
number of documents and each entity as [document index, tokens joined by
spaces, label].
"""
import io
import json
import os
import sys


def detect_like_doccano(path):
    import chardet
    from chardet import UniversalDetector

    if os.path.getsize(path) < io.DEFAULT_BUFFER_SIZE:
        with open(path, "rb") as f:
            return chardet.detect(f.read()).get("encoding") or "utf-8"
    detector = UniversalDetector()
    with open(path, "rb") as f:
        while not detector.done:
            chunk = f.read(io.DEFAULT_BUFFER_SIZE)
            if not chunk:
                break
            detector.feed(chunk)
    detector.close()
    return (detector.result.get("encoding") if detector.done else None) or "utf-8"


def doccano(path):
    import chardet

    encoding = detect_like_doccano(path)
    documents = []
    with open(path, encoding=encoding) as f:
        for line in f:
            line = line.rstrip()
            if not line:
                continue
            row = json.loads(line)
            text = row["text"]
            if "entities" in row:  # the relation shape
                offsets = [(e["start_offset"], e["end_offset"], e["label"]) for e in row["entities"]]
            else:
                offsets = row.get("label", [])
            spans = [[text[s:e], label] for s, e, label in offsets]
            documents.append([text, spans])
    # The same records as raw UTF-8: what chardet makes of the old files.
    raw = "".join(json.dumps(json.loads(l), ensure_ascii=False) + "\n" for l in open(path, encoding="utf-8") if l.strip())
    raw_path = path + ".raw-utf8"
    with open(raw_path, "w", encoding="utf-8") as f:
        f.write(raw)
    print(json.dumps({
        "chardet": chardet.__version__,
        "encoding": encoding,
        "raw_utf8_encoding": detect_like_doccano(raw_path),
        "documents": documents,
    }, ensure_ascii=False))


def seqeval(path):
    from importlib.metadata import version
    from seqeval.scheme import IOB2, Tokens

    documents, entities = 0, []
    words, tags = [], []

    def end_sentence():
        if words:
            for e in Tokens(tags, scheme=IOB2).entities:
                entities.append([max(documents - 1, 0), " ".join(words[e.start:e.end]), e.tag])
        words.clear()
        tags.clear()

    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\r\n")
            if line.startswith("-DOCSTART-"):
                end_sentence()
                documents += 1
                continue
            if not line.strip():
                end_sentence()
                continue
            columns = line.split()
            words.append(columns[0])
            tags.append(columns[-1])
    end_sentence()
    print(json.dumps({"seqeval": version("seqeval"), "documents": documents, "entities": entities}, ensure_ascii=False))


if __name__ == "__main__":
    {"doccano": doccano, "seqeval": seqeval}[sys.argv[1]](sys.argv[2])
