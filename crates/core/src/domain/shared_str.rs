//! A string many values share without copying it: a rule's id, name and
//! source, which every clock computed from the rule carries (the queue and
//! the rules benchmark compute fourteen clocks per ticket, and copying five
//! strings into each was most of their allocation).
//!
//! An event's device and author are one too: a log repeats a few dozen of
//! each across 300,000 events, so each is read once and shared after
//! ([`SharedStr::interned`]; 2 of an event's 6 strings).
//!
//! It reads, compares, prints and (de)serialises like a `String`; cloning it
//! only counts one more owner.

use rustc_hash::FxHashSet;
use serde::{Deserialize, Deserializer, Serialize};
use std::cell::RefCell;
use std::fmt;
use std::ops::Deref;
use std::sync::Arc;

#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize)]
#[serde(transparent)]
pub struct SharedStr(Arc<str>);

/// At most this many distinct strings, of at most `SHARE_LONGEST` bytes, are
/// kept for sharing (256 KB in all); past either, each is its own, so a
/// hostile file cannot make the set hold much.
const SHARE_AT_MOST: usize = 4096;
const SHARE_LONGEST: usize = 64;

thread_local! {
    /// The strings read so far, for [`SharedStr::interned`].
    static READ: RefCell<FxHashSet<Arc<str>>> = RefCell::new(FxHashSet::default());
}

impl SharedStr {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// `text`, shared with every equal string read before it on this
    /// thread: one allocation per distinct text instead of one per value.
    pub fn interned(text: &str) -> SharedStr {
        if text.len() > SHARE_LONGEST {
            return SharedStr(text.into());
        }
        READ.with(|read| {
            let mut read = read.borrow_mut();
            if let Some(known) = read.get(text) {
                return SharedStr(known.clone());
            }
            let new: Arc<str> = text.into();
            if read.len() < SHARE_AT_MOST {
                read.insert(new.clone());
            }
            SharedStr(new)
        })
    }
}

/// Read as a string and shared ([`SharedStr::interned`]).
impl<'de> Deserialize<'de> for SharedStr {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<SharedStr, D::Error> {
        struct Text;
        impl serde::de::Visitor<'_> for Text {
            type Value = SharedStr;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<SharedStr, E> {
                Ok(SharedStr::interned(text))
            }
        }
        deserializer.deserialize_str(Text)
    }
}

impl Deref for SharedStr {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for SharedStr {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl std::borrow::Borrow<str> for SharedStr {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for SharedStr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&*self.0, f)
    }
}

impl fmt::Display for SharedStr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&*self.0, f)
    }
}

impl From<&str> for SharedStr {
    fn from(s: &str) -> SharedStr {
        SharedStr(s.into())
    }
}

impl From<String> for SharedStr {
    fn from(s: String) -> SharedStr {
        SharedStr(s.into())
    }
}

impl From<&SharedStr> for String {
    fn from(s: &SharedStr) -> String {
        s.0.to_string()
    }
}

impl From<SharedStr> for String {
    fn from(s: SharedStr) -> String {
        s.0.to_string()
    }
}

impl PartialEq<str> for SharedStr {
    fn eq(&self, other: &str) -> bool {
        &*self.0 == other
    }
}

impl PartialEq<&str> for SharedStr {
    fn eq(&self, other: &&str) -> bool {
        &*self.0 == *other
    }
}

impl PartialEq<String> for SharedStr {
    fn eq(&self, other: &String) -> bool {
        *self.0 == **other
    }
}

impl PartialEq<SharedStr> for String {
    fn eq(&self, other: &SharedStr) -> bool {
        **self == *other.0
    }
}

impl PartialEq<SharedStr> for &str {
    fn eq(&self, other: &SharedStr) -> bool {
        **self == *other.0
    }
}

impl PartialEq<SharedStr> for str {
    fn eq(&self, other: &SharedStr) -> bool {
        *self == *other.0
    }
}

#[cfg(test)]
mod tests {
    use super::SharedStr;

    #[test]
    fn equal_texts_read_apart_share_one_string() {
        let a: SharedStr = serde_json::from_str("\"tab-A\"").expect("a string reads");
        let b = SharedStr::interned(&String::from("tab-A"));
        assert_eq!(a, b);
        assert!(
            std::sync::Arc::ptr_eq(&a.0, &b.0),
            "one allocation for both"
        );
        let c = SharedStr::interned("tab-B");
        assert!(!std::sync::Arc::ptr_eq(&a.0, &c.0));
        // Escapes are read as what they stand for.
        let d: SharedStr = serde_json::from_str("\"tab-\\u0041\"").expect("a string reads");
        assert!(std::sync::Arc::ptr_eq(&a.0, &d.0));
        assert!(serde_json::from_str::<SharedStr>("7").is_err());
        // A long text is its own: the set stays small whatever is read.
        let long = "x".repeat(65);
        let e = SharedStr::interned(&long);
        assert!(!std::sync::Arc::ptr_eq(&e.0, &SharedStr::interned(&long).0));
        assert_eq!(e, SharedStr::interned(&long));
    }

    #[test]
    fn reads_and_serialises_like_a_string() {
        let name = SharedStr::from("首次响应");
        assert_eq!(name, "首次响应");
        assert_eq!(String::from("首次响应"), name);
        assert_eq!(serde_json::to_string(&name).unwrap(), "\"首次响应\"");
        let back: SharedStr = serde_json::from_str("\"first\"").unwrap();
        assert_eq!(back.as_str(), "first");
        assert_ne!(back, name);
    }
}
