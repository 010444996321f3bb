"""Reads a file spanlab wrote with another tool's own reader, and prints one
JSON line saying what that reader found in it.

usage:
  python tests/peers.py doccano FILE.jsonl
  python tests/peers.py seqeval FILE.conll
  python tests/peers.py label-studio FILE.json OUTDIR
  python tests/peers.py datasets DATASET.json LINES.jsonl

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

label-studio: label-studio-sdk's own code on our Label Studio tasks. A
labeling config is made from the labels the tasks use (a `Labels` control
named "label" on a `Text` object named "text", spanlab's defaults, with a
`Relations` control when there are relations); `LabelInterface` validates
every annotation and prediction against it; and its `Converter` exports the
tasks to CoNLL 2003 in OUTDIR/result.conll, as Label Studio's export does.
Prints the number of tasks, of tasks Label Studio counts as labelled (with
an annotation not cancelled), of the converter's items, and the validation
errors.

datasets: Hugging Face `datasets` loads a gold dataset file
(`load_dataset("json", field="documents")`) and the same documents as gold
lines (`load_dataset("json")`), as a pipeline would, and prints for each the
number of rows, of entities, and whether every entity's `text` is
`text[start:end]` of its row.
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


def label_studio(path, out):
    from importlib.metadata import version
    from label_studio_sdk.converter import Converter
    from label_studio_sdk.label_interface import LabelInterface

    with open(path, encoding="utf-8") as f:
        tasks = json.load(f)
    results = [r for t in tasks for k in ("annotations", "predictions") for a in t.get(k, []) for r in a["result"]]
    labels = sorted({label for r in results if r["type"] == "labels" for label in r["value"]["labels"]})
    relations = sorted({label for r in results if r["type"] == "relation" for label in r.get("labels", [])})
    config = '<View><Labels name="label" toName="text">'
    config += "".join(f'<Label value="{label}"/>' for label in labels) + "</Labels>"
    if relations:
        config += "<Relations>" + "".join(f'<Relation value="{label}"/>' for label in relations) + "</Relations>"
    config += '<Text name="text" value="$text"/></View>'
    interface = LabelInterface(config)
    errors = []
    for i, task in enumerate(tasks):
        for kind in ("annotations", "predictions"):
            for item in task.get(kind, []):
                found = interface._validate_object(item, return_errors=True)
                errors.extend(f"task {i}, {kind}: {e}" for e in found)
    def labelled(task):
        return any(not (a.get("was_cancelled") or a.get("skipped")) for a in task.get("annotations", []))
    converter = Converter(config=config, project_dir=None, download_resources=False)
    items = list(converter.iter_from_json_file(path))
    converter.convert_to_conll2003(path, out, is_dir=False)
    print(json.dumps({
        "label_studio_sdk": version("label-studio-sdk"),
        "tasks": len(tasks),
        "labelled": sum(1 for t in tasks if labelled(t)),
        "converter_items": len(items),
        "errors": errors,
    }, ensure_ascii=False))


def hf_datasets(dataset_path, lines_path):
    import datasets

    def summary(rows):
        entities = [(r["text"], e) for r in rows for e in r["entities"]]
        return {
            "rows": rows.num_rows,
            "entities": len(entities),
            "offsets_right": all(t[e["start"]:e["end"]] == e["text"] for t, e in entities),
        }

    whole = datasets.load_dataset("json", data_files=dataset_path, field="documents", split="train")
    lines = datasets.load_dataset("json", data_files=lines_path, split="train")
    print(json.dumps({"datasets": datasets.__version__, "dataset": summary(whole), "lines": summary(lines)}))


if __name__ == "__main__":
    what = sys.argv[1]
    if what == "label-studio":
        label_studio(sys.argv[2], sys.argv[3])
    elif what == "datasets":
        hf_datasets(sys.argv[2], sys.argv[3])
    else:
        {"doccano": doccano, "seqeval": seqeval}[what](sys.argv[2])
