//! `gridcare push`, `pull` and `couch-setup`: the event log through a
//! CouchDB database (Apache CouchDB 3 or pouchdb-server). The layout is
//! `domain::couch`'s; every document pulled passes the checks of a file
//! import before its events are written anywhere.

use super::sync::{merge_failure, write};
use super::Failure;
use crate::domain::bundle::{merge_bundles, Bundle, Held, Validation};
use crate::domain::couch::{
    documents_of, plan_documents, AttachmentDoc, Coverage, DocRange, EventDoc, GroupFile,
    Refusal as CouchRefusal, ATTACHMENT_TYPE, DESIGN, MAX_CONFLICTS,
};
use crate::domain::event::Event;
use crate::domain::trust::records::absorb;
use crate::domain::trust::ChainRecord;
use chrono::{DateTime, Utc};
use clap::Args;
use rustc_hash::FxHashMap;
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

/// Documents per `_bulk_docs` request: up to 20,000 events, about 10 MB
/// of text, each batch written out just before it is sent.
const BATCH_DOCS: usize = 20;
/// Rows per `_changes` or `_all_docs` page.
const PAGE: usize = 2000;

#[derive(Args)]
pub struct Credentials {
    /// CouchDB user name; the password comes from GRIDCARE_COUCH_PASSWORD.
    #[arg(long)]
    user: Option<String>,
}

#[derive(Args)]
pub struct PushArgs {
    /// Sync files whose events go up.
    #[arg(required = true)]
    files: Vec<PathBuf>,
    /// The database, as http(s)://host:port/db.
    #[arg(long)]
    to: String,
    #[command(flatten)]
    credentials: Credentials,
}

#[derive(Args)]
pub struct PullArgs {
    /// The database, as http(s)://host:port/db.
    #[arg(long)]
    from: String,
    /// Write here instead of standard output (gzip-compressed when the name ends in .gz).
    #[arg(short, long)]
    output: Option<PathBuf>,
    #[command(flatten)]
    credentials: Credentials,
}

#[derive(Args)]
pub struct SetupArgs {
    /// The database, as http(s)://host:port/db (created when missing).
    url: String,
    #[command(flatten)]
    credentials: Credentials,
}

/// Whether a command-line input names a database rather than a file.
pub fn is_database(input: &str) -> bool {
    input.starts_with("http://") || input.starts_with("https://")
}

/// One database on one server.
pub struct Database {
    agent: ureq::Agent,
    url: String,
    auth: Option<String>,
}

fn one_line(e: impl std::fmt::Display) -> String {
    e.to_string().lines().next().unwrap_or_default().to_string()
}

impl Database {
    pub fn open(url: &str, credentials: &Credentials) -> Result<Database, Failure> {
        Database::connect(url, credentials.user.as_deref())
    }

    fn connect(url: &str, user: Option<&str>) -> Result<Database, Failure> {
        let url = url.trim_end_matches('/').to_string();
        let db = url.rsplit('/').next().unwrap_or_default();
        if !is_database(&url) || db.is_empty() || url[..url.len() - db.len()].ends_with("//") {
            return Err(Failure(format!(
                "'{url}' is not a database address: write http(s)://host:port/database"
            )));
        }
        let auth = match user {
            Some(user) => {
                use base64::Engine as _;
                let password = std::env::var("GRIDCARE_COUCH_PASSWORD").unwrap_or_default();
                let pair = format!("{user}:{password}");
                Some(format!(
                    "Basic {}",
                    base64::engine::general_purpose::STANDARD.encode(pair)
                ))
            }
            None => None,
        };
        let agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_connect(Some(Duration::from_secs(10)))
            .timeout_global(Some(Duration::from_secs(600)))
            .build()
            .into();
        Ok(Database { agent, url, auth })
    }

    fn name(&self) -> &str {
        self.url.rsplit('/').next().unwrap_or_default()
    }

    /// Sends a request; returns the status and the JSON body.
    fn call(
        &self,
        method: &str,
        path: &str,
        body: Option<&Value>,
    ) -> Result<(u16, Value), Failure> {
        let target = if path.is_empty() {
            self.url.clone()
        } else {
            format!("{}/{path}", self.url)
        };
        let unreachable =
            |e: ureq::Error| Failure(format!("cannot reach {}: {}", self.url, one_line(e)));
        let request = ureq::http::Request::builder()
            .method(method)
            .uri(&target)
            .header("Accept", "application/json");
        let request = match &self.auth {
            Some(auth) => request.header("Authorization", auth),
            None => request,
        };
        let mut response = match body {
            Some(body) => self.agent.run(
                request
                    .header("Content-Type", "application/json")
                    .body(body.to_string())
                    .map_err(|e| Failure(one_line(e)))?,
            ),
            None => self
                .agent
                .run(request.body(()).map_err(|e| Failure(one_line(e)))?),
        }
        .map_err(unreachable)?;
        let status = response.status().as_u16();
        let text = response
            .body_mut()
            .with_config()
            .limit(u64::MAX)
            .read_to_string()
            .map_err(unreachable)?;
        let value = serde_json::from_str(&text).unwrap_or(Value::Null);
        match status {
            401 if value["reason"].as_str().is_some_and(|r| r.contains("assword")) => {
                Err(Failure(format!(
                    "{}: wrong user name or password (set --user and GRIDCARE_COUCH_PASSWORD)",
                    self.url
                )))
            }
            401 if self.auth.is_none() => Err(Failure(format!(
                "{}: this database needs a user name and password (--user, GRIDCARE_COUCH_PASSWORD)",
                self.url
            ))),
            401 | 403 if !path.starts_with("_bulk_docs") => Err(Failure(format!(
                "{}: this account has no permission here ({})",
                self.url,
                value["reason"].as_str().unwrap_or("forbidden")
            ))),
            _ => Ok((status, value)),
        }
    }

    fn expect_ok(&self, method: &str, path: &str, body: Option<&Value>) -> Result<Value, Failure> {
        let (status, value) = self.call(method, path, body)?;
        if (200..300).contains(&status) {
            Ok(value)
        } else if status == 404 && path.is_empty() {
            Err(Failure(format!(
                "{}: no such database (create it with `gridcare couch-setup {}`)",
                self.url, self.url
            )))
        } else {
            Err(Failure(format!(
                "{}/{path}: the server answered {status} ({})",
                self.url,
                value["reason"].as_str().unwrap_or("no reason given")
            )))
        }
    }

    /// Every document id the database holds, from its `_changes` feed.
    fn all_ids(&self) -> Result<Vec<String>, Failure> {
        let mut since = Value::from(0);
        let mut ids = Vec::new();
        loop {
            let page = self.expect_ok(
                "GET",
                &format!("_changes?since={}&limit={PAGE}", encode(&since)),
                None,
            )?;
            let results = page["results"].as_array().cloned().unwrap_or_default();
            for row in &results {
                if row["deleted"] != Value::Bool(true) {
                    if let Some(id) = row["id"].as_str() {
                        ids.push(id.to_string());
                    }
                }
            }
            since = page["last_seq"].clone();
            if results.len() < PAGE {
                break;
            }
        }
        ids.sort();
        ids.dedup();
        Ok(ids)
    }

    /// The documents whose ids lie in `[start, end]`, with their content.
    /// The revisions a document's `_conflicts` lists, each as a document
    /// (at most [`MAX_CONFLICTS`], as the app reads).
    fn conflicts_of(&self, doc: &Value) -> Result<Vec<Value>, Failure> {
        let id = doc["_id"].as_str().unwrap_or_default();
        doc["_conflicts"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .take(MAX_CONFLICTS)
            .filter_map(|rev| {
                let path = format!("{}?rev={}", escape(id), escape(rev));
                match self.call("GET", &path, None) {
                    Ok((200, doc)) => Some(Ok(doc)),
                    // Settled on the server since it was listed.
                    Ok((404, _)) => None,
                    Ok((status, value)) => Some(Err(Failure(format!(
                        "{}: {id} revision {rev}: the server answered {status}: {value}",
                        self.url
                    )))),
                    Err(e) => Some(Err(e)),
                }
            })
            .collect()
    }

    fn docs_between(&self, start: &str, end: &str) -> Result<Vec<Value>, Failure> {
        let mut docs = Vec::new();
        let mut from = start.to_string();
        let mut skip = 0;
        loop {
            let page = self.expect_ok(
                "GET",
                &format!(
                    "_all_docs?include_docs=true&conflicts=true&limit={PAGE}&skip={skip}&startkey={}&endkey={}",
                    encode(&Value::from(from.as_str())),
                    encode(&Value::from(end))
                ),
                None,
            )?;
            let rows = page["rows"].as_array().cloned().unwrap_or_default();
            let n = rows.len();
            for row in rows {
                if let Some(id) = row["id"].as_str() {
                    from = id.to_string();
                }
                if row["doc"].is_object() {
                    docs.push(row["doc"].clone());
                    // Other revisions CouchDB keeps of the document (a
                    // second version written beside it): read too, so
                    // the checks can tell the genuine one.
                    docs.append(&mut self.conflicts_of(&row["doc"])?);
                }
            }
            if n < PAGE {
                break;
            }
            skip = 1; // the page's last row starts the next page
        }
        Ok(docs)
    }
}

/// A JSON value as a URL query parameter.
fn encode(value: &Value) -> String {
    let text = match value {
        Value::String(s) if s.chars().all(|c| c.is_ascii_digit()) => s.clone(),
        other => other.to_string(),
    };
    escape(&text)
}

/// Text percent-encoded for a URL's path or query.
fn escape(text: &str) -> String {
    let mut out = String::new();
    for b in text.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

fn read_files(files: &[PathBuf]) -> Result<Bundle, Failure> {
    let bundles = files
        .iter()
        .map(|path| super::sealed::read_bundle(path))
        .collect::<Result<Vec<_>, _>>()?;
    merge_bundles(bundles).map_err(|e| merge_failure(files, e))
}

pub fn push(args: PushArgs) -> Result<ExitCode, Failure> {
    let bundle = read_files(&args.files)?;
    let db = Database::open(&args.to, &args.credentials)?;
    db.expect_ok("GET", "", None)?;
    let ids = db.all_ids()?;
    let mut coverage = Coverage::default();
    for id in &ids {
        coverage.add_doc_id(id);
    }
    let (there, to_send): (Vec<&Event>, Vec<&Event>) = bundle
        .events
        .iter()
        .partition(|e| coverage.covers(&e.device, e.seq));
    // Planned whole, written out a batch at a time: never every event's
    // text at once.
    let plans = plan_documents(&to_send, &bundle.events, &bundle.chains);
    let held_ids: BTreeSet<&str> = ids.iter().map(String::as_str).collect();
    let attachments: Vec<AttachmentDoc> = bundle
        .attachments
        .iter()
        .map(|(hash, a)| AttachmentDoc::new(hash, &a.mime, &a.data))
        .filter(|a| !held_ids.contains(a.id.as_str()))
        .collect();
    let mut written = 0;
    let mut send = |batch: &[Value]| -> Result<(), Failure> {
        let answer = db.expect_ok(
            "POST",
            "_bulk_docs",
            Some(&json!({"new_edits": false, "docs": batch})),
        )?;
        for row in answer.as_array().into_iter().flatten() {
            if let Some(error) = row["error"].as_str() {
                return Err(Failure(format!(
                    "{}: document {} refused: {error} ({})",
                    db.url,
                    row["id"].as_str().unwrap_or("?"),
                    row["reason"].as_str().unwrap_or("")
                )));
            }
        }
        written += batch.len();
        Ok(())
    };
    for batch in plans.chunks(BATCH_DOCS) {
        let docs = documents_of(batch, to_send.iter().copied())
            .expect("every planned event is one of those to send");
        send(&docs.iter().map(EventDoc::to_value).collect::<Vec<_>>())?;
    }
    for batch in attachments.chunks(BATCH_DOCS) {
        send(
            &batch
                .iter()
                .map(AttachmentDoc::to_value)
                .collect::<Vec<_>>(),
        )?;
    }
    println!(
        "{}: sent {} events in {} documents and {} attachments; {} events were there already",
        db.url,
        to_send.len(),
        plans.len(),
        attachments.len(),
        there.len()
    );
    debug_assert_eq!(written, plans.len() + attachments.len());
    Ok(ExitCode::SUCCESS)
}

/// What a pull has taken so far, as the checks of the next group see it.
#[derive(Default)]
struct Taken {
    events: FxHashMap<(String, u64), Event>,
    chains: BTreeMap<String, Vec<ChainRecord>>,
}

impl Held for &Taken {
    fn key_of(&self, device: &str) -> Option<String> {
        self.chains
            .get(device)
            .and_then(|r| r.first())
            .map(|r| r.key.clone())
    }
    fn id_at(&self, device: &str, seq: u64) -> Option<String> {
        self.events
            .get(&(device.to_string(), seq))
            .map(|e| e.id.to_string())
    }
    fn at_of(&self, device: &str, seq: u64) -> Option<DateTime<Utc>> {
        self.events.get(&(device.to_string(), seq)).map(|e| e.at)
    }
}

/// A document refused, and why, in words.
pub struct Refusal {
    pub doc: String,
    pub why: String,
}

/// Checks one group's documents as a file import checks a file, against
/// what was taken before; takes its events, or says which documents fail.
/// A document that fails alone is named and left out, and the rest of the
/// group is checked without it; a group whose signature then does not hold
/// is refused whole, since nothing of it can be told genuine.
fn take_group(values: Vec<Value>, taken: &mut Taken, now: DateTime<Utc>) -> Vec<Refusal> {
    let mut group = GroupFile::new(now);
    for value in values {
        group.add(value);
    }
    let bundle = group.check_with(|parts| {
        let mut validation = Validation::start_parts(&parts.head, parts.events, now)?.assembled();
        while !validation.step(usize::MAX)?.is_done() {}
        validation.holding(&*taken).finish()
    });
    if let Some(bundle) = bundle {
        for (device, records) in &bundle.chains {
            absorb(taken.chains.entry(device.clone()).or_default(), records);
        }
        for e in bundle.events {
            taken.events.insert((e.device.to_string(), e.seq), e);
        }
    }
    let refused = group.take_refused();
    let culprit = refused
        .iter()
        .find(|(_, why)| !matches!(why, CouchRefusal::Checks(e) if e.event_index().is_none()))
        .map(|(doc, _)| doc.clone());
    refused
        .into_iter()
        .map(|(doc, why)| {
            let why = match (&why, &culprit) {
                (CouchRefusal::Checks(e), Some(bad)) if e.event_index().is_none() => {
                    format!("{why} (its group cannot be checked without document {bad})")
                }
                _ => why.to_string(),
            };
            Refusal { doc, why }
        })
        .collect()
}

/// Every valid event of a database as one checked sync file, and the
/// documents refused.
pub fn pull_bundle(db: &Database) -> Result<(Bundle, Vec<Refusal>), Failure> {
    let now = Utc::now();
    db.expect_ok("GET", "", None)?;
    let docs = db.docs_between("ev:", "ev:\u{fff0}")?;
    let mut groups: BTreeMap<(String, u64), Vec<Value>> = BTreeMap::new();
    let mut refused = Vec::new();
    for doc in docs {
        let id = doc["_id"].as_str().unwrap_or("?").to_string();
        match DocRange::parse(&id) {
            Some(r) => groups.entry((r.device, r.signed)).or_default().push(doc),
            None => refused.push(Refusal {
                doc: id,
                why: "not a gridcare document of this layout".into(),
            }),
        }
    }
    let mut taken = Taken::default();
    for docs in groups.into_values() {
        refused.append(&mut take_group(docs, &mut taken, now));
    }
    let mut attachments = BTreeMap::new();
    for value in db.docs_between("att:", "att:\u{fff0}")? {
        let id = value["_id"].as_str().unwrap_or("?").to_string();
        let doc: Option<AttachmentDoc> = serde_json::from_value(value).ok();
        let Some(doc) = doc.filter(|d| d.kind == ATTACHMENT_TYPE) else {
            refused.push(Refusal {
                doc: id,
                why: "not a gridcare attachment of this layout".into(),
            });
            continue;
        };
        // Checked as a sync file checks attachments: the hash names the bytes.
        let attachment = crate::domain::bundle::Attachment {
            mime: doc.mime.clone(),
            data: doc.data.clone(),
        };
        let one = Bundle::new(
            "couchdb",
            now,
            Vec::new(),
            BTreeMap::from([(doc.hash().to_string(), attachment.clone())]),
        );
        match Bundle::parse(&one.to_json(), now) {
            Ok(_) => {
                attachments.insert(doc.hash().to_string(), attachment);
            }
            Err(e) => refused.push(Refusal {
                doc: id,
                why: e.to_string(),
            }),
        }
    }
    let events: Vec<Event> = taken.events.into_values().collect();
    let bundle = Bundle::new(&format!("couchdb:{}", db.name()), now, events, attachments)
        .with_chains(taken.chains);
    Ok((bundle, refused))
}

/// `ledger` and `report` read a database as they read a file.
pub fn read_database(url: &str) -> Result<Bundle, Failure> {
    let user = std::env::var("GRIDCARE_COUCH_USER").ok();
    let db = Database::connect(url, user.as_deref())?;
    let (bundle, refused) = pull_bundle(&db)?;
    report_refused(&db, &refused);
    Ok(bundle)
}

fn report_refused(db: &Database, refused: &[Refusal]) {
    for r in refused {
        eprintln!("{}: document {} refused: {}", db.url, r.doc, r.why);
    }
}

pub fn pull(args: PullArgs) -> Result<ExitCode, Failure> {
    let db = Database::open(&args.from, &args.credentials)?;
    let (bundle, refused) = pull_bundle(&db)?;
    report_refused(&db, &refused);
    write(args.output.as_ref(), &bundle.to_json())?;
    eprintln!(
        "{}: {} events and {} attachments pulled, {} documents refused",
        db.url,
        bundle.events.len(),
        bundle.attachments.len(),
        refused.len()
    );
    Ok(if refused.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(2)
    })
}

pub fn setup(args: SetupArgs) -> Result<ExitCode, Failure> {
    let db = Database::open(&args.url, &args.credentials)?;
    let wanted: Value = serde_json::from_str(DESIGN).expect("the design document is JSON");
    match db.call("GET", "", None)? {
        (200, _) => println!("{}: database exists", db.url),
        (404, _) => {
            db.expect_ok("PUT", "", None)?;
            println!("{}: database created", db.url);
        }
        (status, value) => {
            return Err(Failure(format!(
                "{}: the server answered {status} ({})",
                db.url,
                value["reason"].as_str().unwrap_or("no reason given")
            )))
        }
    }
    // The design document: installed, updated, or left as it is.
    let mut design = wanted["design"].clone();
    let (status, current) = db.call("GET", "_design/gridcare", None)?;
    let same = status == 200
        && current["validate_doc_update"] == design["validate_doc_update"]
        && current["layout"] == design["layout"];
    if same {
        println!("{}: design document unchanged", db.url);
    } else {
        if status == 200 {
            design["_rev"] = current["_rev"].clone();
        }
        db.expect_ok("PUT", "_design/gridcare", Some(&design))?;
        let verb = if status == 200 {
            "updated"
        } else {
            "installed"
        };
        println!("{}: design document {verb}", db.url);
    }
    // Security: the station's own role writes and reads; supervisors too.
    let mut security = wanted["security"].clone();
    let station_role = Value::from(db.name());
    if let Some(roles) = security["members"]["roles"].as_array_mut() {
        roles.push(station_role);
    }
    let (_, current) = db.call("GET", "_security", None)?;
    if current == security {
        println!("{}: security unchanged", db.url);
    } else {
        db.expect_ok("PUT", "_security", Some(&security))?;
        println!(
            "{}: security set: members with role {} or gridcare-supervisor",
            db.url,
            db.name()
        );
    }
    Ok(ExitCode::SUCCESS)
}
