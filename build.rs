//! Names this build of the app's code and shipped data, so that what one
//! build saved for a quick start (the queue's first rows) is not shown by
//! another: `GRIDCARE_BUILD`, a hash of every source and data file.

use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::Path;

const SOURCES: [&str; 3] = ["src", "crates/core/src", "Cargo.lock"];

fn main() {
    let mut hasher = DefaultHasher::new();
    for source in SOURCES {
        println!("cargo:rerun-if-changed={source}");
        hash_tree(Path::new(source), &mut hasher);
    }
    println!("cargo:rustc-env=GRIDCARE_BUILD={:016x}", hasher.finish());
}

/// Every file under `path`, in name order: its path and its bytes.
fn hash_tree(path: &Path, hasher: &mut DefaultHasher) {
    if path.is_dir() {
        let mut entries: Vec<_> = std::fs::read_dir(path)
            .map(|dir| dir.filter_map(|e| e.ok().map(|e| e.path())).collect())
            .unwrap_or_default();
        entries.sort();
        for entry in entries {
            hash_tree(&entry, hasher);
        }
    } else if let Ok(bytes) = std::fs::read(path) {
        path.hash(hasher);
        bytes.hash(hasher);
    }
}
