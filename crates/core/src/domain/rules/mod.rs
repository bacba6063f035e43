//! The rule table (data) and its validation.

mod table;
mod validate;

pub use table::*;
