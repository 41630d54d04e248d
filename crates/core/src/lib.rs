//! gongkai-core: the pure domain of government information disclosure (政务公开).
//!
//! No I/O lives here: every statutory rule is written once, with the article it implements.

pub mod access;
pub mod application;
pub mod audit;
pub mod calendar;
pub mod clock;
pub mod deadline;
pub mod fees;
pub mod files;
pub mod html;
pub mod ids;
pub mod letters;
pub mod narrative;
pub mod org;
pub mod publishing;
pub mod report;
pub mod script;
pub mod supervision;
pub mod taxonomy;

pub use calendar::{Calendar, CalendarEntry, CalendarError, DayKind};
pub use org::{Role, UnitKind};
