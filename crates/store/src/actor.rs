//! Who acts through a command: a staff member (with their role and unit) or the system itself
//! (the demo, an import). Commands ask the actor whether it may act on a unit's records (by
//! `gongkai_core::access`, the one table of who may do what) and write its name into the
//! ledger; pages and the API only say who is logged in.

use crate::staff::Staff;
use crate::{Result, StoreError};
use gongkai_core::Role;
use gongkai_core::access::{Action, Reach};
use std::borrow::Cow;

#[derive(Debug, Clone)]
pub struct Actor {
    name: Cow<'static, str>,
    /// `None` for the system, which acts with the office's reach.
    role: Option<Role>,
    unit_id: Option<i64>,
}

impl Actor {
    /// The demo district's records, written as the system.
    pub const DEMO: Actor = Actor::named("demo");
    /// The public, submitting on the portal.
    pub const PUBLIC: Actor = Actor::named("public");

    const fn named(name: &'static str) -> Actor {
        Actor {
            name: Cow::Borrowed(name),
            role: None,
            unit_id: None,
        }
    }

    /// A logged-in staff member.
    pub fn staff(s: &Staff) -> Actor {
        Actor {
            name: Cow::Owned(staff_name(&s.username)),
            role: Some(s.role()),
            unit_id: Some(s.unit_id),
        }
    }

    /// The system acting on its own (`demo`, `import` …): the office's reach, its own name in
    /// the ledger.
    pub fn system(name: &str) -> Actor {
        Actor {
            name: Cow::Owned(name.to_string()),
            role: None,
            unit_id: None,
        }
    }

    /// The name the ledger records.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The disclosure office (政务公开办), or the system.
    pub fn is_office(&self) -> bool {
        matches!(self.role, None | Some(Role::OfficeAdmin))
    }

    /// Refuse unless the actor may take `action` on `unit`'s records (`None`: no unit in
    /// particular). The system may do everything.
    pub fn may(&self, action: Action, unit: Option<i64>) -> Result<()> {
        let (Some(role), Some(own)) = (self.role, self.unit_id) else {
            return Ok(());
        };
        if role.allows(own, action, unit) {
            return Ok(());
        }
        let elsewhere = role.may(action) == Reach::OwnUnit;
        Err(StoreError::Forbidden(action.refusal(elsewhere).into()))
    }
}

/// A staff member's name in the ledger (`staff:username`), the same whichever command writes it.
pub(crate) fn staff_name(username: &str) -> String {
    format!("staff:{username}")
}
