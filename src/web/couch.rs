//! Talking to a CouchDB database from the browser with `fetch`: the
//! session (CouchDB's `_session` cookie; the password is sent once and
//! never kept), and the few endpoints the replication uses. The layout of
//! the documents and what they mean are `domain::couch`'s; what is taken
//! into the log is decided by the app state after the checks of an import.

use crate::domain::couch::DocRange;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

/// Where to sync: a server (absolute, or a path on this origin such as
/// `/couchdb`), a database, the user name. Kept in localStorage: no secret.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncTarget {
    pub server: String,
    pub database: String,
    pub user: String,
    /// Other stations' databases on the same server that this device (a
    /// supervisor's) follows: pulled and checked like its own, never written.
    #[serde(default)]
    pub follow: Vec<String>,
}

impl SyncTarget {
    pub fn is_set(&self) -> bool {
        !self.server.trim().is_empty() && !self.database.trim().is_empty()
    }

    fn server(&self) -> String {
        self.server.trim().trim_end_matches('/').to_string()
    }

    fn db_url(&self) -> String {
        format!("{}/{}", self.server(), self.database.trim())
    }

    /// The database's address, as checkpoints and status name it.
    pub fn label(&self) -> String {
        self.db_url()
    }

    /// Each followed database as a target of its own (none twice, not the
    /// device's own database, no empty names).
    pub fn followed(&self) -> Vec<SyncTarget> {
        let mut seen = vec![self.database.trim().to_string()];
        self.follow
            .iter()
            .map(|d| d.trim().to_string())
            .filter(|d| {
                let new = !d.is_empty() && !seen.contains(d);
                if new {
                    seen.push(d.clone());
                }
                new
            })
            .map(|database| SyncTarget {
                server: self.server.clone(),
                database,
                user: self.user.clone(),
                follow: Vec::new(),
            })
            .collect()
    }
}

/// Why a request did not do what it should, in terms the screen words.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CouchError {
    #[error("the server does not answer")]
    Unreachable,
    #[error("wrong user name or password")]
    WrongPassword,
    #[error("the session ended: log in again")]
    NeedLogin,
    #[error("this account has no permission for the database")]
    NoPermission,
    #[error("the database does not exist")]
    NoDatabase,
    #[error("the server answered {status}: {reason}")]
    Server { status: u16, reason: String },
}

/// One answer: its status and JSON body (null when it has none).
async fn call(method: &str, url: &str, body: Option<&Value>) -> Result<(u16, Value), CouchError> {
    call_until(method, url, body, None).await
}

/// As [`call`]; `abort` ends the request early (a long poll no longer needed).
async fn call_until(
    method: &str,
    url: &str,
    body: Option<&Value>,
    abort: Option<&web_sys::AbortSignal>,
) -> Result<(u16, Value), CouchError> {
    let init = web_sys::RequestInit::new();
    if let Some(signal) = abort {
        init.set_signal(Some(signal));
    }
    init.set_method(method);
    init.set_credentials(web_sys::RequestCredentials::Include);
    init.set_cache(web_sys::RequestCache::NoStore);
    let headers = web_sys::Headers::new().map_err(|_| CouchError::Unreachable)?;
    let _ = headers.set("Accept", "application/json");
    if let Some(body) = body {
        let _ = headers.set("Content-Type", "application/json");
        init.set_body(&JsValue::from_str(&body.to_string()));
    }
    init.set_headers(&headers);
    let request =
        web_sys::Request::new_with_str_and_init(url, &init).map_err(|_| CouchError::Unreachable)?;
    let window = web_sys::window().ok_or(CouchError::Unreachable)?;
    let response: web_sys::Response = JsFuture::from(window.fetch_with_request(&request))
        .await
        .map_err(|_| CouchError::Unreachable)?
        .unchecked_into();
    let status = response.status();
    let value = read_body(&response).await.unwrap_or(Value::Null);
    // A reverse proxy whose server is down answers 502/503/504.
    if matches!(status, 502..=504) {
        return Err(CouchError::Unreachable);
    }
    Ok((status, value))
}

thread_local! {
    /// One buffer for every answer's bytes, reused. A page of a group is
    /// about 10 MB: read as a string, each took three times that in wasm
    /// memory for a moment (the string's worst-case UTF-8 size), and the
    /// space freed between pages was left in pieces the next page could not
    /// use; read whole as one `ArrayBuffer`, each page lay in the page's
    /// JavaScript heap until collected.
    static BODY: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Lets go of the answers' buffer (a page of a group is about 10 MB): once
/// a group is fetched, its checks can use the space.
pub fn release_buffer() {
    BODY.with_borrow_mut(|body| *body = Vec::new());
}

/// An answer's JSON, read from its body a chunk at a time (the browser's
/// chunks are small and short-lived), or `None` when it is not JSON or the
/// body failed.
async fn read_body(response: &web_sys::Response) -> Option<Value> {
    let stream = response.body()?;
    let reader = web_sys::ReadableStreamDefaultReader::new(&stream).ok()?;
    // Taken out while in use: a long poll may read its answer meanwhile.
    let mut body = BODY.with_borrow_mut(std::mem::take);
    body.clear();
    let read = loop {
        let chunk: web_sys::ReadableStreamReadResult = match JsFuture::from(reader.read()).await {
            Ok(chunk) => chunk.unchecked_into(),
            Err(_) => break false,
        };
        if chunk.get_done() == Some(true) {
            break true;
        }
        let bytes: js_sys::Uint8Array = chunk.get_value().unchecked_into();
        let at = body.len();
        body.resize(at + bytes.length() as usize, 0);
        bytes.copy_to(&mut body[at..]);
    };
    let value = if read {
        serde_json::from_slice(&body).ok()
    } else {
        None
    };
    // Kept for the next answer, unless far larger than a page.
    if body.capacity() <= 64 << 20 {
        BODY.with_borrow_mut(|kept| {
            if kept.capacity() < body.capacity() {
                *kept = body;
            }
        });
    }
    value
}

fn reason(value: &Value) -> String {
    value["reason"]
        .as_str()
        .or(value["error"].as_str())
        .unwrap_or("")
        .to_string()
}

/// Maps the usual failures; `Ok` for 2xx.
fn judged(status: u16, value: Value) -> Result<Value, CouchError> {
    match status {
        200..=299 => Ok(value),
        401 if reason(&value).contains("assword") => Err(CouchError::WrongPassword),
        401 => Err(CouchError::NeedLogin),
        403 => Err(CouchError::NoPermission),
        404 => Err(CouchError::NoDatabase),
        _ => Err(CouchError::Server {
            status,
            reason: reason(&value),
        }),
    }
}

/// Logs in: CouchDB sets its session cookie; the password goes no further.
pub async fn log_in(target: &SyncTarget, password: &str) -> Result<(), CouchError> {
    let url = format!("{}/_session", target.server());
    let (status, value) = call(
        "POST",
        &url,
        Some(&json!({"name": target.user.trim(), "password": password})),
    )
    .await?;
    match status {
        401 => Err(CouchError::WrongPassword),
        _ => judged(status, value).map(|_| ()),
    }
}

/// Ends the session on the server.
pub async fn log_out(target: &SyncTarget) {
    let _ = call("DELETE", &format!("{}/_session", target.server()), None).await;
}

/// The user the session belongs to, if it is still open.
pub async fn session_user(target: &SyncTarget) -> Result<Option<String>, CouchError> {
    let (status, value) = call("GET", &format!("{}/_session", target.server()), None).await?;
    let value = judged(status, value)?;
    Ok(value["userCtx"]["name"].as_str().map(str::to_string))
}

/// A database on a server, with the session of the browser.
pub struct Remote {
    url: String,
}

/// A page of the `_changes` feed: document ids and where it ends.
pub struct Changes {
    pub ids: Vec<String>,
    pub last_seq: Value,
    pub pending: u64,
}

fn encode(text: &str) -> String {
    js_sys::encode_uri_component(text).into()
}

impl Remote {
    pub fn new(target: &SyncTarget) -> Remote {
        Remote {
            url: target.db_url(),
        }
    }

    async fn get(&self, path: &str) -> Result<Value, CouchError> {
        let (status, value) = call("GET", &format!("{}/{path}", self.url), None).await?;
        judged(status, value)
    }

    async fn send(&self, method: &str, path: &str, body: &Value) -> Result<Value, CouchError> {
        let (status, value) = call(method, &format!("{}/{path}", self.url), Some(body)).await?;
        judged(status, value)
    }

    /// `GET /db`: the database is there and this session may read it.
    pub async fn info(&self) -> Result<Value, CouchError> {
        let (status, value) = call("GET", &self.url, None).await?;
        judged(status, value)
    }

    /// Waits until the feed moves past `since` (a long poll), at most
    /// `wait` ms by the server's clock, or until `abort` is signalled.
    /// pouchdb-server ignores `timeout` and holds the request open with
    /// heartbeats, so the caller aborts it itself.
    pub async fn wait_for_change(&self, since: &Value, wait: u32, abort: &web_sys::AbortSignal) {
        let since = match since {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        let url = format!(
            "{}/_changes?since={}&limit=1&feed=longpoll&timeout={wait}",
            self.url,
            encode(&since)
        );
        let _ = call_until("GET", &url, None, Some(abort)).await;
    }

    /// One page of changes after `since`.
    pub async fn changes(
        &self,
        since: &Value,
        limit: usize,
        wait: Option<u32>,
    ) -> Result<Changes, CouchError> {
        let since = match since {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        let mut path = format!("_changes?since={}&limit={limit}", encode(&since));
        if let Some(ms) = wait {
            path.push_str(&format!("&feed=longpoll&timeout={ms}"));
        }
        let value = self.get(&path).await?;
        let ids = value["results"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|row| row["deleted"] != Value::Bool(true))
            .filter_map(|row| row["id"].as_str().map(str::to_string))
            .collect();
        Ok(Changes {
            ids,
            last_seq: value["last_seq"].clone(),
            pending: value["pending"].as_u64().unwrap_or(0),
        })
    }

    /// Up to `limit` documents of the group `range` belongs to, in id
    /// order, after the document `after` (from the first when `None`).
    pub async fn group_page(
        &self,
        range: &DocRange,
        after: Option<&str>,
        limit: usize,
    ) -> Result<Vec<Value>, CouchError> {
        let (start, end) = range.group_keys();
        let (start, skip) = match after {
            Some(id) => (id.to_string(), 1),
            None => (start, 0),
        };
        let path = format!(
            "_all_docs?include_docs=true&conflicts=true&startkey={}&endkey={}&limit={limit}&skip={skip}",
            encode(&Value::from(start).to_string()),
            encode(&Value::from(end).to_string())
        );
        let mut value = self.get(&path).await?;
        let rows = match value["rows"].take() {
            Value::Array(rows) => rows,
            _ => Vec::new(),
        };
        Ok(rows
            .into_iter()
            .map(|mut row| row["doc"].take())
            .filter(Value::is_object)
            .collect())
    }

    /// The revisions a document's `_conflicts` lists (versions CouchDB
    /// keeps beside the one it shows), each as a document; at most
    /// [`crate::domain::couch::MAX_CONFLICTS`], so that a flood of them cannot stall a pull.
    pub async fn conflicts_of(&self, doc: &Value) -> Result<Vec<Value>, CouchError> {
        let id = doc["_id"].as_str().unwrap_or_default();
        let mut docs = Vec::new();
        let revs = doc["_conflicts"].as_array().into_iter().flatten();
        for rev in revs
            .filter_map(Value::as_str)
            .take(crate::domain::couch::MAX_CONFLICTS)
        {
            match self
                .get(&format!("{}?rev={}", encode(id), encode(rev)))
                .await
            {
                Ok(doc) => docs.push(doc),
                // Settled on the server since it was listed.
                Err(CouchError::NoDatabase) => {}
                Err(e) => return Err(e),
            }
        }
        Ok(docs)
    }

    /// Documents by id (attachments).
    pub async fn docs(&self, ids: &[String]) -> Result<Vec<Value>, CouchError> {
        let value = self
            .send(
                "POST",
                "_all_docs?include_docs=true",
                &json!({ "keys": ids }),
            )
            .await?;
        Ok(value["rows"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|row| row["doc"].is_object())
            .map(|row| row["doc"].clone())
            .collect())
    }

    /// Which of these (id, revision) pairs the server lacks.
    pub async fn missing(&self, revs: &[(String, String)]) -> Result<Vec<String>, CouchError> {
        let mut body = serde_json::Map::new();
        for (id, rev) in revs {
            body.insert(id.clone(), json!([rev]));
        }
        let value = self
            .send("POST", "_revs_diff", &Value::Object(body))
            .await?;
        Ok(value
            .as_object()
            .map(|m| m.keys().cloned().collect())
            .unwrap_or_default())
    }

    /// Writes documents as they are (`new_edits: false`); the ids refused,
    /// with the server's reason.
    pub async fn put_all(&self, docs: &[Value]) -> Result<Vec<(String, String)>, CouchError> {
        let value = self
            .send(
                "POST",
                "_bulk_docs",
                &json!({"new_edits": false, "docs": docs}),
            )
            .await?;
        Ok(value
            .as_array()
            .into_iter()
            .flatten()
            .filter(|row| row["error"].is_string())
            .map(|row| (row["id"].as_str().unwrap_or("?").to_string(), reason(row)))
            .collect())
    }

    /// A `_local` document (a checkpoint), if there is one.
    pub async fn local(&self, id: &str) -> Result<Option<Value>, CouchError> {
        match self.get(&format!("_local/{}", encode(id))).await {
            Ok(value) => Ok(Some(value)),
            Err(CouchError::NoDatabase) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Writes a `_local` document over the revision read before.
    pub async fn set_local(&self, id: &str, mut value: Value) -> Result<(), CouchError> {
        if let Some(Some(rev)) = self
            .local(id)
            .await?
            .map(|old| old["_rev"].as_str().map(str::to_string))
        {
            value["_rev"] = Value::from(rev);
        }
        self.send("PUT", &format!("_local/{}", encode(id)), &value)
            .await
            .map(|_| ())
    }
}
