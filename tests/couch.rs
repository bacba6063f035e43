//! `gridcare push`, `pull` and `couch-setup` against a real CouchDB-protocol
//! server: pouchdb-server from npm (installed by `bash .ci/setup`), started
//! in memory on a free 127.0.0.1 port for each test and stopped after it.
#![cfg(not(target_arch = "wasm32"))]

use serde_json::{json, Value};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

struct Server {
    child: Child,
    base: String,
    _dir: PathBuf,
}

impl Server {
    fn start(name: &str) -> Server {
        let bin = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join(".ci/couch/node_modules/.bin/pouchdb-server");
        assert!(
            bin.exists(),
            "{} is missing: run `bash .ci/setup test` first",
            bin.display()
        );
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        // pouchdb-server writes its config and log into the folder it runs in.
        let dir =
            std::env::temp_dir().join(format!("gridcare-couch-{name}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let child = Command::new(bin)
            .args([
                "--in-memory",
                "--host",
                "127.0.0.1",
                "--port",
                &port.to_string(),
            ])
            .current_dir(&dir)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let base = format!("http://127.0.0.1:{port}");
        let started = Instant::now();
        while http("GET", &base, None).0 != 200 {
            assert!(
                started.elapsed() < Duration::from_secs(60),
                "pouchdb-server did not start"
            );
            std::thread::sleep(Duration::from_millis(200));
        }
        Server {
            child,
            base,
            _dir: dir,
        }
    }

    fn db(&self, name: &str) -> String {
        format!("{}/{name}", self.base)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A raw request, as a person with curl would make it.
fn http(method: &str, url: &str, body: Option<&Value>) -> (u16, Value) {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into();
    let request = ureq::http::Request::builder()
        .method(method)
        .uri(url)
        .header("Content-Type", "application/json");
    let result = match body {
        Some(b) => agent.run(request.body(b.to_string()).unwrap()),
        None => agent.run(request.body(()).unwrap()),
    };
    match result {
        Ok(mut r) => {
            let status = r.status().as_u16();
            let text = r.body_mut().read_to_string().unwrap_or_default();
            (status, serde_json::from_str(&text).unwrap_or(Value::Null))
        }
        Err(_) => (0, Value::Null),
    }
}

fn gridcare(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_gridcare"))
        .args(args)
        .output()
        .unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn temp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("gridcare-couchcli-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn demo(dir: &Path, device: &str, tickets: &str) -> PathBuf {
    let path = dir.join(format!("{device}.json"));
    let o = gridcare(&[
        "demo",
        "--tickets",
        tickets,
        "--seed",
        "5",
        "--device",
        device,
        "-o",
        path.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    path
}

/// The ids of a file's events, read the way any reader may: checked and
/// derived where the file (version 3) leaves them out.
fn event_ids(path: &Path) -> BTreeSet<String> {
    let bytes = std::fs::read(path).unwrap();
    let bundle = gridcare::domain::bundle::Bundle::parse_bytes(&bytes, chrono::Utc::now()).unwrap();
    bundle.events.iter().map(|e| e.id.to_string()).collect()
}

#[test]
fn push_twice_adds_nothing_and_pull_of_two_pushes_equals_their_merge() {
    let server = Server::start("push");
    let db = server.db("gridcare-s1");
    let dir = temp("push");
    let a = demo(&dir, "tab-A", "30");
    let b = demo(&dir, "tab-B", "30");

    let setup = gridcare(&["couch-setup", &db]);
    assert!(setup.status.success(), "{}", text(&setup.stderr));
    assert!(text(&setup.stdout).contains("database created"));
    let again = gridcare(&["couch-setup", &db]);
    let again = text(&again.stdout);
    assert!(
        again.contains("database exists")
            && again.contains("design document unchanged")
            && again.contains("security unchanged"),
        "running couch-setup twice changes nothing: {again}"
    );
    let seq_before = http("GET", &db, None).1["update_seq"].clone();
    gridcare(&["couch-setup", &db]);
    assert_eq!(http("GET", &db, None).1["update_seq"], seq_before);

    let n_a = event_ids(&a).len();
    let first = gridcare(&["push", a.to_str().unwrap(), "--to", &db]);
    assert!(first.status.success(), "{}", text(&first.stderr));
    assert!(
        text(&first.stdout).contains(&format!("sent {n_a} events")),
        "{}",
        text(&first.stdout)
    );
    let docs_after_first = http("GET", &db, None).1["doc_count"].as_u64().unwrap();
    let second = gridcare(&["push", a.to_str().unwrap(), "--to", &db]);
    assert!(
        text(&second.stdout).contains(&format!(
            "sent 0 events in 0 documents and 0 attachments; {n_a} events were there already"
        )),
        "{}",
        text(&second.stdout)
    );
    assert_eq!(
        http("GET", &db, None).1["doc_count"].as_u64().unwrap(),
        docs_after_first
    );

    // B shares the base tickets with A: only its own follow-ups go up.
    let third = gridcare(&["push", b.to_str().unwrap(), "--to", &db]);
    assert!(third.status.success(), "{}", text(&third.stderr));
    assert!(!text(&third.stdout).contains(" 0 events were there already"));

    let pulled = dir.join("pulled.json");
    let pull = gridcare(&["pull", "--from", &db, "-o", pulled.to_str().unwrap()]);
    assert!(pull.status.success(), "{}", text(&pull.stderr));
    let merged = gridcare(&["merge", a.to_str().unwrap(), b.to_str().unwrap()]);
    let merged_path = dir.join("merged.json");
    std::fs::write(&merged_path, &merged.stdout).unwrap();
    assert_eq!(event_ids(&pulled), event_ids(&merged_path));
    let valid = gridcare(&["validate", pulled.to_str().unwrap()]);
    assert!(valid.status.success(), "{}", text(&valid.stderr));
    assert!(
        text(&valid.stdout).contains("signed with the demo's well-known key"),
        "signatures survive the round trip: {}",
        text(&valid.stdout)
    );

    // report reads the database as it reads the files.
    let month = ["--month", "2026-11", "--at", "2026-11-25T00:00:00Z"];
    let over_db = gridcare(&[&["report", &db][..], &month[..]].concat());
    let over_files = gridcare(
        &[
            &["report", a.to_str().unwrap(), b.to_str().unwrap()][..],
            &month[..],
        ]
        .concat(),
    );
    assert!(over_db.status.success(), "{}", text(&over_db.stderr));
    assert_eq!(text(&over_db.stdout), text(&over_files.stdout));
}

#[test]
fn the_design_document_refuses_changes_and_a_forged_document_is_named() {
    let server = Server::start("forge");
    let db = server.db("gridcare-s2");
    let dir = temp("forge");
    let a = demo(&dir, "tab-A", "10");
    assert!(gridcare(&["couch-setup", &db]).status.success());
    assert!(gridcare(&["push", a.to_str().unwrap(), "--to", &db])
        .status
        .success());

    let all = http("GET", &format!("{db}/_all_docs?include_docs=true"), None).1;
    let doc = all["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["doc"].clone())
        .find(|d| d["_id"].as_str().unwrap().starts_with("ev:"))
        .unwrap();
    let id = doc["_id"].as_str().unwrap().to_string();
    let rev = doc["_rev"].as_str().unwrap().to_string();

    // An update and a deletion are refused by the server itself.
    let mut changed = doc.clone();
    changed["events"][0] = json!("{}");
    let (status, _) = http("PUT", &format!("{db}/{}", enc(&id)), Some(&changed));
    assert_eq!(status, 403, "an update is refused");
    let (status, _) = http("DELETE", &format!("{db}/{}?rev={rev}", enc(&id)), None);
    assert_eq!(status, 403, "a deletion is refused");
    let (status, _) = http("PUT", &format!("{db}/junk"), Some(&json!({"hello": 1})));
    assert_eq!(status, 403, "a document of no known layout is refused");
    // Nor a document claiming more events than one may hold (it would make
    // a range look held to every device).
    let huge = json!({
        "_id": "ev:X:0000000000:0000000001:0000002000", "type": "gridcare-events", "layout": 1,
        "device": "X", "signed": 0, "from": 1, "to": 2000, "events": vec![""; 2000],
    });
    let (status, _) = http(
        "PUT",
        &format!("{db}/{}", enc("ev:X:0000000000:0000000001:0000002000")),
        Some(&huge),
    );
    assert_eq!(status, 403, "at most 1,000 events a document");

    // A document written by hand, in the layout but with an event changed
    // (another time of arrival, same id): the pull names it and takes the rest.
    let first = doc["events"][0].as_str().unwrap().to_string();
    let mut event: Value = serde_json::from_str(&first).unwrap();
    event["at"] = json!("2026-11-01T00:00:00Z");
    let device = doc["device"].as_str().unwrap();
    let (signed, from) = (
        doc["signed"].as_u64().unwrap(),
        doc["from"].as_u64().unwrap(),
    );
    let forged_id = format!("ev:{device}:{:010}:{from:010}:{from:010}", signed + 1);
    let forged = json!({
        "_id": forged_id, "type": "gridcare-events", "layout": 1, "device": device,
        "signed": signed + 1, "from": from, "to": from, "events": [event.to_string()],
    });
    let (status, answer) = http("PUT", &format!("{db}/{}", enc(&forged_id)), Some(&forged));
    assert_eq!(status, 201, "{answer}");

    let out = dir.join("pulled.json");
    let pull = gridcare(&["pull", "--from", &db, "-o", out.to_str().unwrap()]);
    assert_eq!(pull.status.code(), Some(2), "{}", text(&pull.stderr));
    let err = text(&pull.stderr);
    assert!(
        err.contains(&forged_id),
        "the forged document is named: {err}"
    );
    assert!(!err.contains(&id), "the genuine one is not: {err}");
    assert_eq!(event_ids(&out), event_ids(&a), "everything genuine arrived");
}

#[test]
fn an_unreachable_server_or_a_wrong_password_is_one_line_and_exit_1() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let dir = temp("down");
    let a = demo(&dir, "tab-A", "3");
    let o = gridcare(&[
        "push",
        a.to_str().unwrap(),
        "--to",
        &format!("http://127.0.0.1:{port}/gridcare-x"),
    ]);
    assert_eq!(o.status.code(), Some(1));
    let err = text(&o.stderr);
    assert!(
        err.starts_with("gridcare: cannot reach") && err.lines().count() == 1,
        "{err}"
    );

    let server = Server::start("auth");
    let (status, _) = http(
        "PUT",
        &format!("{}/_config/admins/boss", server.base),
        Some(&json!("right")),
    );
    assert_eq!(status, 200);
    let o = Command::new(env!("CARGO_BIN_EXE_gridcare"))
        .args(["couch-setup", &server.db("gridcare-s3"), "--user", "boss"])
        .env("GRIDCARE_COUCH_PASSWORD", "wrong")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    let err = text(&o.stderr);
    assert!(
        err.contains("wrong user name or password") && err.lines().count() == 1,
        "{err}"
    );
    let o = Command::new(env!("CARGO_BIN_EXE_gridcare"))
        .args(["couch-setup", &server.db("gridcare-s3"), "--user", "boss"])
        .env("GRIDCARE_COUCH_PASSWORD", "right")
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", text(&o.stderr));
}

fn enc(id: &str) -> String {
    id.replace(':', "%3A")
}
