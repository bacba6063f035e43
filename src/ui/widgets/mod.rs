//! Small pieces shared by several screens. Nothing here knows which screen
//! it is on.

mod arrivals;
mod classification;
mod demo_offer;
mod other_tab;
pub mod scroll;
mod table_head;

pub use arrivals::{ArrivalsBanner, NotifyOffer};
pub use classification::ClassificationView;
pub use demo_offer::DemoOffer;
pub use other_tab::OtherTabBanner;
pub use table_head::TableHead;
