//! External recommenders: a user's own model plugged into spanlab over JSON,
//! either a subprocess speaking one JSON object per line on stdin/stdout, or
//! an HTTP server on localhost.
//!
//! Protocol, version 2 (offsets are code points, end exclusive):
//!
//! ```text
//! request  {"protocol": "spanlab-recommender", "version": 2, "id": "doc-3",
//!           "text": "Lavrov est à Pékin.", "labels": ["PER", "ORG", ...],
//!           "relation_labels": ["MEETS", "VISITS", ...],
//!           "spans": [{"start": 0, "end": 6, "label": "PER"}, {"start": 13, "end": 18, "label": "GPE"}]}
//! response {"id": "doc-3", "spans": [{"start": 0, "end": 6, "label": "PER", "score": 0.91}],
//!           "relations": [{"head": 0, "tail": 1, "label": "VISITS", "score": 0.8}]}
//! ```
//!
//! The request's `spans` are the entity spans spanlab already has for the
//! text (accepted ones and its own suggestions). A response's `relations`
//! are optional; `head` and `tail` index the response's own `spans`, or
//! the request's `spans` when the response says `"relation_spans":
//! "request"` (the default when its `spans` are empty). Relations with a
//! label not asked for, or an index past its list, are dropped.
//!
//! Version 1 is the same without `relation_labels`, `spans` in requests
//! and `relations` in responses: a version 1 recommender reads the fields
//! it knows, answers spans, and keeps working.
//!
//! A subprocess gets one request per line and answers with one line. Over
//! HTTP the request is the body of `POST /suggest` to `http://127.0.0.1:PORT`
//! and the response is the body of a 200 answer. A recommender that does not
//! answer within the timeout is stopped (a subprocess is killed and started
//! again on the next request); errors are returned, never hidden, and never
//! block longer than the timeout.
//!
//! Owns: the protocol, its two transports, and reading a recommender
//! setting as a user writes it ([`Endpoint::parse`]).
//! Processes and threads: a subprocess recommender is started on the first
//! request and kept running, with one thread that reads its output lines;
//! it is killed when it times out, fails, or the [`External`] is dropped.
//! A request blocks its caller for at most the timeout, so the window asks
//! from its background worker, and `spanlab suggest` after the built-in
//! suggestions.
//! Must not touch: the UI, files, any address but this machine's loopback.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::Mutex;
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::Candidate;
use super::relations::{Mention, RelationCandidate};
use crate::model::{CharIdx, RecognizerName, Text};

/// The protocol's name in requests.
pub const PROTOCOL: &str = "spanlab-recommender";

/// The shortest time a recommender is given per request: [`External::new`]
/// raises shorter timeouts to this.
pub const MIN_TIMEOUT: Duration = Duration::from_millis(100);

/// How to reach a recommender.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Endpoint {
    /// A program and its arguments, started once and kept running.
    Command {
        /// The program, then its arguments.
        argv: Vec<String>,
    },
    /// `http://127.0.0.1:PORT` (or `localhost`, or `[::1]`).
    Http {
        /// The server's address, as the user wrote it.
        url: String,
    },
}

impl Endpoint {
    /// Reads a recommender as a user writes it (in the settings, or after
    /// `--recommender`): text starting with `http://` is a server, anything
    /// else a command line split like a shell ([`split_command`]); blank
    /// text is no recommender. Whether a URL is on this machine is checked
    /// when the server is first asked.
    ///
    /// `"python3 'my model.py' --fast"` gives `Command { argv: ["python3",
    /// "my model.py", "--fast"] }`; `" http://127.0.0.1:8000 "` gives
    /// `Http { url: "http://127.0.0.1:8000" }`; `"  "` gives `None`.
    pub fn parse(line: &str) -> Option<Endpoint> {
        let line = line.trim();
        if line.is_empty() {
            None
        } else if line.starts_with("http://") {
            Some(Endpoint::Http { url: line.to_owned() })
        } else {
            Some(Endpoint::Command { argv: split_command(line) })
        }
    }
}

/// Why a recommender gave no answer.
#[derive(Debug, thiserror::Error)]
pub enum RecommenderError {
    /// The command could not be started.
    #[error("cannot start recommender {command:?}: {source}")]
    Start {
        /// The command line.
        command: String,
        /// Why it did not start.
        source: std::io::Error,
    },
    /// No answer within the timeout; the recommender was stopped.
    #[error("recommender did not answer within {0:?} (stopped)")]
    Timeout(Duration),
    /// The subprocess exited or closed its output.
    #[error("recommender exited or closed its output")]
    Closed,
    /// Reading or writing failed.
    #[error("recommender I/O: {0}")]
    Io(#[from] std::io::Error),
    /// The answer is not a response of the protocol.
    #[error("recommender answered something that is not a valid response: {0}")]
    BadResponse(String),
    /// The URL is not a loopback address.
    #[error("recommender URL {0:?} must be http://127.0.0.1:PORT, http://localhost:PORT or http://[::1]:PORT")]
    BadUrl(String),
    /// The server answered with another status than 200.
    #[error("recommender answered HTTP status {0}")]
    Status(u16),
}

/// The protocol version spanlab speaks.
pub const VERSION: u32 = 2;

#[derive(Serialize)]
struct Request<'a> {
    protocol: &'static str,
    version: u32,
    id: &'a str,
    text: &'a str,
    labels: &'a [String],
    relation_labels: &'a [String],
    spans: Vec<RequestSpan<'a>>,
}

#[derive(Serialize)]
struct RequestSpan<'a> {
    start: usize,
    end: usize,
    label: &'a str,
}

#[derive(Deserialize)]
struct Response {
    #[serde(default)]
    id: Option<String>,
    spans: Vec<ResponseSpan>,
    #[serde(default)]
    relations: Vec<ResponseRelation>,
    #[serde(default)]
    relation_spans: Option<String>,
}

#[derive(Deserialize)]
struct ResponseRelation {
    head: usize,
    tail: usize,
    label: String,
    #[serde(default = "default_score")]
    score: f32,
}

/// What a recommender asks spanlab to add: a document's spans and what it
/// knows of them.
#[derive(Clone, Copy, Debug, Default)]
pub struct Ask<'a> {
    /// Entity labels it may propose.
    pub labels: &'a [String],
    /// Relation labels it may propose.
    pub relation_labels: &'a [String],
    /// The spans spanlab has for the text (accepted and suggested).
    pub spans: &'a [Mention],
}

/// A relation a recommender proposed, its ends given as spans.
#[derive(Clone, Debug, PartialEq)]
pub struct ExternalRelation {
    /// The head span.
    pub head: Mention,
    /// The tail span.
    pub tail: Mention,
    /// The relation label.
    pub label: String,
    /// Confidence in `[0, 1]`.
    pub score: f32,
    /// The recommender.
    pub recognizer: RecognizerName,
}

/// Adds a recommender's relations to the built-in ones, over the final
/// `mentions`: a relation whose ends are not both among them (exact
/// start, end and label), or that scores under `min_score`, is dropped; of
/// two relations on the same two mentions the higher score stays. Sorted
/// as [`crate::suggest::RelationEngine::suggest`] sorts.
pub fn merge_relations(
    mentions: &[Mention],
    builtin: Vec<RelationCandidate>,
    external: Vec<ExternalRelation>,
    min_score: f32,
) -> Vec<RelationCandidate> {
    let index = |m: &Mention| mentions.iter().position(|x| x == m);
    let mut all = builtin;
    for r in external.into_iter().filter(|r| r.score >= min_score) {
        let (Some(head), Some(tail)) = (index(&r.head), index(&r.tail)) else { continue };
        let pair = |c: &RelationCandidate| (c.head.min(c.tail), c.head.max(c.tail));
        let new = RelationCandidate { head, tail, label: r.label, score: r.score, recognizer: r.recognizer };
        match all.iter().position(|c| pair(c) == pair(&new)) {
            Some(k) if all.get(k).is_some_and(|c| c.score >= new.score) => {}
            Some(k) => {
                if let Some(slot) = all.get_mut(k) {
                    *slot = new;
                }
            }
            None => all.push(new),
        }
    }
    let pos = |i: usize| mentions.get(i).map(|m| (m.start, m.end));
    all.sort_by(|a, b| (pos(a.head), pos(a.tail), &a.label).cmp(&(pos(b.head), pos(b.tail), &b.label)));
    all
}

/// A recommender's answer: spans and relations.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Answer {
    /// Proposed spans, in the text and with labels asked for.
    pub spans: Vec<Candidate>,
    /// Proposed relations, with labels asked for.
    pub relations: Vec<ExternalRelation>,
}

#[derive(Deserialize)]
struct ResponseSpan {
    start: usize,
    end: usize,
    label: String,
    #[serde(default = "default_score")]
    score: f32,
}

fn default_score() -> f32 {
    0.5
}

struct Running {
    child: Child,
    stdin: ChildStdin,
    lines: Receiver<std::io::Result<String>>,
}

/// A connection to an external recommender.
pub struct External {
    endpoint: Endpoint,
    timeout: Duration,
    name: RecognizerName,
    process: Mutex<Option<Running>>,
}

impl External {
    /// A recommender at `endpoint` given `timeout` per request (at least
    /// [`MIN_TIMEOUT`]); nothing is started until the first request.
    pub fn new(endpoint: Endpoint, timeout: Duration) -> Self {
        let name = match &endpoint {
            Endpoint::Command { argv } => RecognizerName::external(&command_name(argv)),
            Endpoint::Http { url } => RecognizerName::external(url),
        };
        Self { endpoint, timeout: timeout.max(MIN_TIMEOUT), name, process: Mutex::new(None) }
    }

    /// The recognizer name its candidates carry.
    pub fn name(&self) -> &RecognizerName {
        &self.name
    }

    /// Asks for entity suggestions on one text, telling it no spans and no
    /// relation labels. Spans outside the text, empty, or with labels not
    /// in `labels` are dropped.
    pub fn request(&self, id: &str, text: &Text, labels: &[String]) -> Result<Vec<Candidate>, RecommenderError> {
        Ok(self.ask(id, text, Ask { labels, ..Ask::default() })?.spans)
    }

    /// Asks for spans and relations on one text (protocol version 2).
    /// Spans outside the text, empty, or with labels not asked for are
    /// dropped; so are relations with a label not asked for or an end that
    /// is no span.
    pub fn ask(&self, id: &str, text: &Text, ask: Ask<'_>) -> Result<Answer, RecommenderError> {
        let spans = ask.spans.iter().map(|m| RequestSpan { start: m.start.get(), end: m.end.get(), label: &m.label }).collect();
        let request = Request {
            protocol: PROTOCOL,
            version: VERSION,
            id,
            text: text.as_str(),
            labels: ask.labels,
            relation_labels: ask.relation_labels,
            spans,
        };
        let body = serde_json::to_string(&request).map_err(|e| RecommenderError::BadResponse(e.to_string()))?;
        let answer = match &self.endpoint {
            Endpoint::Command { argv } => self.ask_process(argv, &body)?,
            Endpoint::Http { url } => self.ask_http(url, &body)?,
        };
        let response: Response =
            serde_json::from_str(&answer).map_err(|e| RecommenderError::BadResponse(format!("{e}: {}", short(&answer))))?;
        if response.id.as_deref().is_some_and(|r| r != id) {
            return Err(RecommenderError::BadResponse(format!("answer for document {:?}, asked for {id:?}", response.id)));
        }
        let len = text.len_chars();
        let own: Vec<Mention> = response.spans.iter().map(|s| Mention::new(s.start, s.end, &s.label)).collect();
        let of_request = match response.relation_spans.as_deref() {
            Some("request") => true,
            Some("response") => false,
            Some(other) => {
                return Err(RecommenderError::BadResponse(format!("relation_spans is {other:?}, not \"request\" or \"response\"")));
            }
            None => own.is_empty(),
        };
        let ends = if of_request { ask.spans } else { own.as_slice() };
        let in_text = |m: &Mention| m.start < m.end && m.end.get() <= len && ask.labels.contains(&m.label);
        let relations = response
            .relations
            .into_iter()
            .filter(|r| ask.relation_labels.contains(&r.label))
            .filter_map(|r| {
                let (head, tail) = (ends.get(r.head)?, ends.get(r.tail)?);
                (in_text(head) && in_text(tail) && r.head != r.tail).then(|| ExternalRelation {
                    head: head.clone(),
                    tail: tail.clone(),
                    label: r.label,
                    score: r.score.clamp(0.0, 1.0),
                    recognizer: self.name.clone(),
                })
            })
            .collect();
        let spans = response
            .spans
            .into_iter()
            .filter(|s| s.start < s.end && s.end <= len && ask.labels.contains(&s.label))
            .map(|s| Candidate {
                start: CharIdx::new(s.start),
                end: CharIdx::new(s.end),
                label: s.label,
                score: s.score.clamp(0.0, 1.0),
                recognizer: self.name.clone(),
            })
            .collect();
        Ok(Answer { spans, relations })
    }

    fn ask_process(&self, argv: &[String], body: &str) -> Result<String, RecommenderError> {
        let mut guard = self.process.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if guard.as_mut().is_none_or(|r| r.child.try_wait().ok().flatten().is_some()) {
            *guard = Some(start(argv)?);
        }
        let Some(running) = guard.as_mut() else { return Err(RecommenderError::Closed) };
        let sent = writeln!(running.stdin, "{body}").and_then(|()| running.stdin.flush());
        if sent.is_err() {
            stop(guard.take());
            return Err(RecommenderError::Closed);
        }
        match running.lines.recv_timeout(self.timeout) {
            Ok(Ok(line)) => Ok(line),
            Ok(Err(e)) => {
                stop(guard.take());
                Err(e.into())
            }
            Err(RecvTimeoutError::Timeout) => {
                stop(guard.take());
                Err(RecommenderError::Timeout(self.timeout))
            }
            Err(RecvTimeoutError::Disconnected) => {
                stop(guard.take());
                Err(RecommenderError::Closed)
            }
        }
    }

    fn ask_http(&self, url: &str, body: &str) -> Result<String, RecommenderError> {
        let addr = local_address(url).ok_or_else(|| RecommenderError::BadUrl(url.to_owned()))?;
        let mut stream = TcpStream::connect_timeout(&addr, self.timeout)?;
        stream.set_read_timeout(Some(self.timeout))?;
        stream.set_write_timeout(Some(self.timeout))?;
        let request = format!(
            "POST /suggest HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        );
        stream.write_all(request.as_bytes())?;
        let mut raw = Vec::new();
        match stream.read_to_end(&mut raw) {
            Ok(_) => {}
            Err(e) if matches!(e.kind(), std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut) => {
                return Err(RecommenderError::Timeout(self.timeout));
            }
            Err(e) => return Err(e.into()),
        }
        let raw = String::from_utf8_lossy(&raw);
        let (head, body) = raw.split_once("\r\n\r\n").ok_or_else(|| RecommenderError::BadResponse(short(&raw)))?;
        let status: u16 = head.split_whitespace().nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
        if status != 200 {
            return Err(RecommenderError::Status(status));
        }
        Ok(body.to_owned())
    }
}

impl Drop for External {
    fn drop(&mut self) {
        let running = self.process.get_mut().map(Option::take).unwrap_or(None);
        stop(running);
    }
}

/// A short name for a command: its script for `python3 script.py …`,
/// otherwise its program, without folders.
fn command_name(argv: &[String]) -> String {
    let base = |s: &str| std::path::Path::new(s).file_name().map_or_else(|| s.to_owned(), |n| n.to_string_lossy().into_owned());
    match argv {
        [interpreter, script, ..] if ["python", "node", "ruby", "perl", "Rscript"].iter().any(|i| base(interpreter).starts_with(i)) => {
            base(script)
        }
        [program, ..] => base(program),
        [] => "?".to_owned(),
    }
}

fn start(argv: &[String]) -> Result<Running, RecommenderError> {
    let command = argv.join(" ");
    let Some((program, args)) = argv.split_first() else {
        return Err(RecommenderError::Start { command, source: std::io::Error::other("empty command") });
    };
    let mut child = Command::new(program)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|source| RecommenderError::Start { command: command.clone(), source })?;
    let (Some(stdin), Some(stdout)) = (child.stdin.take(), child.stdout.take()) else {
        let _ = child.kill();
        return Err(RecommenderError::Start { command, source: std::io::Error::other("no pipes") });
    };
    let (tx, rx) = channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            let stop = line.is_err();
            if tx.send(line).is_err() || stop {
                break;
            }
        }
    });
    Ok(Running { child, stdin, lines: rx })
}

fn stop(running: Option<Running>) {
    if let Some(mut r) = running {
        let _ = r.child.kill();
        let _ = r.child.wait();
    }
}

/// Accepts only loopback addresses: a recommender runs on this machine.
fn local_address(url: &str) -> Option<SocketAddr> {
    let rest = url.strip_prefix("http://")?;
    let host_port = rest.split('/').next()?;
    let (host, port) = host_port.rsplit_once(':')?;
    let port: u16 = port.parse().ok()?;
    let ip: std::net::IpAddr = match host {
        "localhost" => std::net::Ipv4Addr::LOCALHOST.into(),
        h => h.trim_start_matches('[').trim_end_matches(']').parse().ok()?,
    };
    ip.is_loopback().then_some(SocketAddr::new(ip, port))
}

fn short(s: &str) -> String {
    let s: String = s.chars().take(120).collect();
    s.replace('\n', " ")
}

/// Parses a command line typed by a user into argv (quotes group words).
pub fn split_command(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quote: Option<char> = None;
    let mut any = false;
    for c in line.chars() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), c) => cur.push(c),
            (None, '"' | '\'') => {
                quote = Some(c);
                any = true;
            }
            (None, c) if c.is_whitespace() => {
                if !cur.is_empty() || any {
                    out.push(std::mem::take(&mut cur));
                    any = false;
                }
            }
            (None, c) => cur.push(c),
        }
    }
    if !cur.is_empty() || any {
        out.push(cur);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A fake recommender: a Python one-liner loop that marks every "Paris".
    fn fake(delay: &str) -> Option<Endpoint> {
        let python3 = crate::testing::python3()?;
        let script = format!(
            "import sys, json, time\n\
             for line in sys.stdin:\n\
             \x20   r = json.loads(line)\n\
             \x20   time.sleep({delay})\n\
             \x20   t = r['text']; spans = []; i = t.find('Paris')\n\
             \x20   while i >= 0:\n\
             \x20       spans.append({{'start': i, 'end': i + 5, 'label': 'GPE', 'score': 0.8}}); i = t.find('Paris', i + 1)\n\
             \x20   spans.append({{'start': 0, 'end': 10**6, 'label': 'GPE'}})\n\
             \x20   print(json.dumps({{'id': r['id'], 'spans': spans}}), flush=True)\n"
        );
        Some(Endpoint::Command { argv: vec![python3.into(), "-c".into(), script] })
    }

    fn labels() -> Vec<String> {
        vec!["PER".into(), "GPE".into()]
    }

    #[test]
    fn a_subprocess_recommender_answers_in_code_points() {
        let Some(endpoint) = fake("0") else { return };
        let ext = External::new(endpoint, Duration::from_secs(20));
        let text = Text::from("😀 à Paris et à Paris");
        let got = ext.request("d1", &text, &labels()).expect("answers");
        let starts: Vec<usize> = got.iter().map(|c| c.start.get()).collect();
        assert_eq!(starts, [4, 15], "code points (Python str indices), the out-of-range span dropped");
        assert!(got.iter().all(|c| text.slice(c.start, c.end) == Some("Paris")));
        // The process stays up for the next request.
        assert_eq!(ext.request("d2", &Text::from("Paris"), &labels()).expect("answers").len(), 1);
    }

    #[test]
    fn a_slow_recommender_times_out_and_is_restarted() {
        let Some(endpoint) = fake("3") else { return };
        let ext = External::new(endpoint, Duration::from_millis(300));
        let t0 = std::time::Instant::now();
        let err = ext.request("d", &Text::from("Paris"), &labels()).expect_err("too slow");
        assert!(matches!(err, RecommenderError::Timeout(_)), "{err}");
        assert!(t0.elapsed() < Duration::from_secs(3), "never blocks much past the timeout");
    }

    #[test]
    fn a_dead_recommender_is_an_error_not_a_hang() {
        let ext = External::new(Endpoint::Command { argv: vec!["false".into()] }, Duration::from_secs(5));
        let err = ext.request("d", &Text::from("x"), &labels()).expect_err("dead");
        assert!(matches!(err, RecommenderError::Closed | RecommenderError::Io(_)), "{err}");
        let missing = External::new(Endpoint::Command { argv: vec!["/no/such/program".into()] }, Duration::from_secs(1));
        assert!(matches!(missing.request("d", &Text::from("x"), &labels()), Err(RecommenderError::Start { .. })));
    }

    /// A fake version 2 recommender: marks every "Paris" and "Lavrov", and
    /// relates each person it is told of (request spans) to each Paris it
    /// found (its own spans), or, with `request_only`, relates the
    /// request's first two spans.
    fn fake_v2(request_only: bool) -> Option<Endpoint> {
        let python3 = crate::testing::python3()?;
        let script = format!(
            "import sys, json\n\
             for line in sys.stdin:\n\
             \x20   r = json.loads(line)\n\
             \x20   assert r['version'] == 2 and 'VISITS' in r['relation_labels']\n\
             \x20   if {request_only}:\n\
             \x20       print(json.dumps({{'id': r['id'], 'spans': [], 'relations': [{{'head': 0, 'tail': 1, 'label': 'MEETS', 'score': 0.7}}, {{'head': 0, 'tail': 9, 'label': 'MEETS'}}]}}), flush=True); continue\n\
             \x20   t = r['text']; spans = []; rels = []\n\
             \x20   i = t.find('Paris')\n\
             \x20   while i >= 0:\n\
             \x20       spans.append({{'start': i, 'end': i + 5, 'label': 'GPE', 'score': 0.8}}); i = t.find('Paris', i + 1)\n\
             \x20   for p in [s for s in r['spans'] if s['label'] == 'PER']:\n\
             \x20       spans.append(dict(p, score=0.9))\n\
             \x20       for k, s in enumerate(spans):\n\
             \x20           if s['label'] == 'GPE': rels.append({{'head': len(spans) - 1, 'tail': k, 'label': 'VISITS', 'score': 0.75}})\n\
             \x20   rels.append({{'head': 0, 'tail': 0, 'label': 'NOT_ASKED'}})\n\
             \x20   print(json.dumps({{'id': r['id'], 'spans': spans, 'relations': rels}}), flush=True)\n",
            request_only = if request_only { "True" } else { "False" }
        );
        Some(Endpoint::Command { argv: vec![python3.into(), "-c".into(), script] })
    }

    #[test]
    fn version_2_relations_index_the_response_spans() {
        let Some(endpoint) = fake_v2(false) else { return };
        let ext = External::new(endpoint, Duration::from_secs(20));
        let text = Text::from("Ada Quill à Paris.");
        let labels = labels();
        let relation_labels = vec!["MEETS".to_owned(), "VISITS".to_owned()];
        let spans = [Mention::new(0, 9, "PER")];
        let got = ext.ask("d", &text, Ask { labels: &labels, relation_labels: &relation_labels, spans: &spans }).expect("answers");
        assert_eq!(got.spans.len(), 2);
        assert_eq!(got.relations.len(), 1, "the relation with a label not asked for is dropped: {:?}", got.relations);
        let r = &got.relations[0];
        assert_eq!(
            (&r.head, &r.tail, r.label.as_str(), r.score),
            (&Mention::new(0, 9, "PER"), &Mention::new(12, 17, "GPE"), "VISITS", 0.75)
        );
        assert_eq!(r.recognizer, *ext.name());
    }

    #[test]
    fn version_2_relations_may_index_the_request_spans() {
        let Some(endpoint) = fake_v2(true) else { return };
        let ext = External::new(endpoint, Duration::from_secs(20));
        let text = Text::from("Ada et Boris.");
        let labels = labels();
        let relation_labels = vec!["MEETS".to_owned(), "VISITS".to_owned()];
        let spans = [Mention::new(0, 3, "PER"), Mention::new(7, 12, "PER")];
        let got = ext.ask("d", &text, Ask { labels: &labels, relation_labels: &relation_labels, spans: &spans }).expect("answers");
        assert!(got.spans.is_empty());
        assert_eq!(got.relations.len(), 1, "the index past the request's spans is dropped");
        assert_eq!((&got.relations[0].head, &got.relations[0].tail), (&spans[0], &spans[1]));
        assert_eq!(got.relations[0].score, 0.7);
    }

    #[test]
    fn a_version_1_recommender_still_answers_spans() {
        // `fake` answers version 1 responses: no relations field at all.
        let Some(endpoint) = fake("0") else { return };
        let ext = External::new(endpoint, Duration::from_secs(20));
        let labels = labels();
        let relation_labels = vec!["VISITS".to_owned()];
        let spans = [Mention::new(0, 3, "PER")];
        let got = ext
            .ask("d", &Text::from("Ada à Paris"), Ask { labels: &labels, relation_labels: &relation_labels, spans: &spans })
            .expect("answers");
        assert_eq!((got.spans.len(), got.relations.len()), (1, 0));
    }

    #[test]
    fn external_relations_merge_onto_the_final_spans() {
        let m = [Mention::new(0, 3, "PER"), Mention::new(7, 12, "PER"), Mention::new(15, 20, "GPE")];
        let builtin =
            vec![RelationCandidate { head: 0, tail: 1, label: "MEETS".into(), score: 0.6, recognizer: RecognizerName::Relations }];
        let ext = |h: &Mention, t: &Mention, label: &str, score: f32| ExternalRelation {
            head: h.clone(),
            tail: t.clone(),
            label: label.into(),
            score,
            recognizer: RecognizerName::external("x"),
        };
        let got = merge_relations(
            &m,
            builtin,
            vec![
                ext(&m[1], &m[0], "OPPOSES", 0.9),                       // beats the built-in MEETS on the same pair
                ext(&m[1], &m[2], "VISITS", 0.2),                        // under the threshold
                ext(&m[0], &Mention::new(15, 20, "LOC"), "VISITS", 0.9), // no such span
                ext(&m[0], &m[2], "VISITS", 0.8),
            ],
            0.3,
        );
        let got: Vec<(usize, usize, &str)> = got.iter().map(|c| (c.head, c.tail, c.label.as_str())).collect();
        assert_eq!(got, [(0, 2, "VISITS"), (1, 0, "OPPOSES")]);
    }

    #[test]
    fn http_recommender_on_localhost() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        let port = listener.local_addr().expect("addr").port();
        let server = std::thread::spawn(move || {
            let (mut s, _) = listener.accept().expect("accept");
            let mut buf = [0u8; 4096];
            let n = s.read(&mut buf).expect("read");
            let req = String::from_utf8_lossy(&buf[..n]).into_owned();
            let body = r#"{"id":"h","spans":[{"start":0,"end":6,"label":"PER","score":0.7}]}"#;
            let _ = write!(s, "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}", body.len());
            req
        });
        let ext = External::new(Endpoint::Http { url: format!("http://127.0.0.1:{port}") }, Duration::from_secs(5));
        let got = ext.request("h", &Text::from("Lavrov parle."), &labels()).expect("answers");
        assert_eq!(got.len(), 1);
        let req = server.join().expect("server");
        assert!(req.starts_with("POST /suggest") && req.contains("\"protocol\":\"spanlab-recommender\""));
    }

    #[test]
    fn only_loopback_urls_are_accepted() {
        assert!(local_address("http://127.0.0.1:8000").is_some());
        assert!(local_address("http://localhost:8000/suggest").is_some());
        assert!(local_address("http://[::1]:8000").is_some());
        assert!(local_address("http://10.0.0.1:8000").is_none());
        assert!(local_address("http://example.com:80").is_none());
    }

    #[test]
    fn commands_split_like_a_shell() {
        assert_eq!(split_command("python3 'my script.py' --x \"a b\""), ["python3", "my script.py", "--x", "a b"]);
    }

    #[test]
    fn endpoints_parse_as_typed() {
        let command = |argv: &[&str]| Some(Endpoint::Command { argv: argv.iter().map(|&a| a.to_owned()).collect() });
        assert_eq!(Endpoint::parse("python3 'my model.py' --fast"), command(&["python3", "my model.py", "--fast"]));
        assert_eq!(Endpoint::parse("  ./ner  "), command(&["./ner"]));
        assert_eq!(Endpoint::parse(" http://127.0.0.1:8000 "), Some(Endpoint::Http { url: "http://127.0.0.1:8000".into() }));
        assert_eq!(Endpoint::parse("http://10.0.0.1:80"), Some(Endpoint::Http { url: "http://10.0.0.1:80".into() }), "refused when asked");
        assert_eq!(Endpoint::parse(""), None);
        assert_eq!(Endpoint::parse(" \t\n"), None);
    }

    #[test]
    fn timeouts_have_a_floor() {
        let ext = |ms: u64| External::new(Endpoint::Http { url: "http://127.0.0.1:9".into() }, Duration::from_millis(ms)).timeout;
        assert_eq!(ext(0), MIN_TIMEOUT);
        assert_eq!(ext(99), MIN_TIMEOUT);
        assert_eq!(ext(2_500), Duration::from_millis(2_500));
    }
}
