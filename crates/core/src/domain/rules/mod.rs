//! The rule table (data) and its validation.

mod explain;
mod table;
mod validate;

pub use explain::problem_in_words;
pub use table::*;
