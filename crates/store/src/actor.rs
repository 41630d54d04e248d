//! Who acts through a command: a staff member (with their role and unit) or the system itself
//! (the demo, an import). Commands ask the actor whether it may act on a unit's records and
//! write its name into the ledger; pages and the API only say who is logged in.

use crate::staff::Staff;
use crate::{Result, StoreError};
use gongkai_core::Role;

#[derive(Debug, Clone)]
pub struct Actor {
    name: String,
    /// `None` for the system, which acts with the office's reach.
    role: Option<Role>,
    unit_id: Option<i64>,
}

impl Actor {
    /// A logged-in staff member.
    pub fn staff(s: &Staff) -> Actor {
        Actor {
            name: format!("staff:{}", s.username),
            role: Some(s.role()),
            unit_id: Some(s.unit_id),
        }
    }

    /// The system acting on its own (`demo`, `import` …): the office's reach, its own name in
    /// the ledger.
    pub fn system(name: &str) -> Actor {
        Actor {
            name: name.to_string(),
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

    /// Engagement (consultations, interviews, and the messages, opinions and questions they
    /// receive) is run by the office and by the editors of the unit it belongs to.
    pub(crate) fn may_manage_engagement_of(&self, unit_id: i64) -> Result<()> {
        match self.role {
            None | Some(Role::OfficeAdmin) => Ok(()),
            Some(Role::Editor) if self.unit_id == Some(unit_id) => Ok(()),
            _ => Err(StoreError::Forbidden(
                "您只能为本单位办理互动交流事项".into(),
            )),
        }
    }

    /// Applications are handled by the office and by the handlers of their own unit; everyone
    /// else is refused, auditors included (they read, never change).
    pub(crate) fn may_handle_applications_of(&self, unit_id: i64) -> Result<()> {
        match self.role {
            None | Some(Role::OfficeAdmin) => Ok(()),
            Some(Role::Handler) if self.unit_id == Some(unit_id) => Ok(()),
            Some(Role::Handler) => Err(StoreError::Forbidden("只能办理本单位收到的申请".into())),
            Some(_) => Err(StoreError::Forbidden(
                "您没有办理依申请公开事项的权限".into(),
            )),
        }
    }
}
