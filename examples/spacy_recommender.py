#!/usr/bin/env python3
"""An external recommender for spanlab, backed by a spaCy pipeline.

Speaks spanlab's recommender protocol in either transport (version 2
requests, answered with spans only, which is a valid version 2 answer; for
relations see relation_recommender.py):

  subprocess (default): one JSON request per line on stdin, one JSON
      response per line on stdout. In spanlab's settings, set the external
      recommender to:  python3 examples/spacy_recommender.py
  HTTP:  python3 examples/spacy_recommender.py --http 8000
      then set the recommender to  http://127.0.0.1:8000

Request:  {"protocol": "spanlab-recommender", "version": 2, "id": "doc-3",
           "text": "...", "labels": ["PER", "ORG", "GPE", ...],
           "relation_labels": [...], "spans": [...]}
Response: {"id": "doc-3", "spans": [{"start": 0, "end": 6, "label": "PER",
           "score": 0.8}]}
Offsets are code points (Python str indices), end exclusive.

spaCy's French models label PER, ORG, LOC and MISC; LOC is given to spanlab
as GPE (the news schema's label for countries and cities) unless the request
does not list GPE, and MISC is dropped. Needs spaCy and a model, e.g. the
venv made by shared/tools/setup-peer.sh:  $(shared/tools/setup-peer.sh)
examples/spacy_recommender.py --model fr_core_news_md
"""
import argparse
import json
import sys
from http.server import BaseHTTPRequestHandler, HTTPServer


def make_suggester(model):
    import spacy

    nlp = spacy.load(model)

    def suggest(request):
        labels = set(request.get("labels") or [])
        doc = nlp(request["text"])
        spans = []
        for ent in doc.ents:
            label = {"PER": "PER", "ORG": "ORG", "LOC": "GPE" if "GPE" in labels else "LOC"}.get(ent.label_)
            if label is None or (labels and label not in labels):
                continue
            spans.append({"start": ent.start_char, "end": ent.end_char, "label": label, "score": 0.6})
        return {"id": request.get("id"), "spans": spans}

    return suggest


def serve_lines(suggest):
    for line in sys.stdin:
        line = line.strip()
        if not line:
            continue
        try:
            answer = suggest(json.loads(line))
        except Exception as e:  # answer something rather than hang the client
            answer = {"id": None, "spans": [], "error": str(e)}
        print(json.dumps(answer, ensure_ascii=False), flush=True)


def serve_http(suggest, port):
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            if self.path.rstrip("/") != "/suggest":
                self.send_error(404)
                return
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            answer = json.dumps(suggest(json.loads(body)), ensure_ascii=False).encode("utf-8")
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, *args):
            pass

    HTTPServer(("127.0.0.1", port), Handler).serve_forever()


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", default="fr_core_news_sm")
    ap.add_argument("--http", type=int, metavar="PORT", help="serve HTTP on 127.0.0.1:PORT instead of stdin/stdout")
    args = ap.parse_args()
    suggest = make_suggester(args.model)
    if args.http:
        serve_http(suggest, args.http)
    else:
        serve_lines(suggest)


if __name__ == "__main__":
    main()
