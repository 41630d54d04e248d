//! Who may do what: each role's reach over the district's work, written once.
//!
//! The store's commands ask it before they write (so no way in can skip it); the console asks
//! it only to decide what to show (menus, buttons, whether a page opens). A role reaches an
//! action nowhere, in its own unit, or in every unit; the disclosure office (政务公开办) reaches
//! everything in every unit, the auditor reads everything and changes nothing.

use crate::org::Role;

/// Something a staff member does, at the grain the roles differ on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// See applications for information (they carry the applicant's personal data).
    ReadApplications,
    /// Receive, answer, extend, transfer an application; file its review cases.
    HandleApplications,
    /// See publications, engagement and supervision pages.
    ReadUnitWork,
    /// Draft, change and submit publications; manage the unit's attachments.
    Draft,
    /// Review (三审, 保密审查) and withdraw publications.
    Review,
    /// Run consultations and interviews and moderate what the public sends.
    Engage,
    /// Answer a supervision notice with the unit's rectification.
    AnswerNotice,
    /// Write and publish a unit's annual report.
    WriteUnitReport,
    /// The office's own work: units, staff, the calendar, catalogs, normative documents,
    /// supervision (new media, inspections, notices, trainings, assessments) and the
    /// district's report.
    Administer,
    /// Read the audit ledger.
    ReadLedger,
}

/// How far a role's permission for an action reaches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Reach {
    Nowhere,
    OwnUnit,
    EveryUnit,
}

impl Role {
    /// How far this role may take `action`.
    pub fn may(self, action: Action) -> Reach {
        use Action::*;
        use Reach::*;
        match (self, action) {
            (Role::OfficeAdmin, _) => EveryUnit,
            (Role::Auditor, ReadApplications | ReadUnitWork | ReadLedger) => EveryUnit,
            (Role::Handler, ReadApplications | HandleApplications) => OwnUnit,
            (Role::Editor, ReadUnitWork | Draft | Engage | AnswerNotice | WriteUnitReport) => {
                OwnUnit
            }
            (Role::Reviewer, ReadUnitWork | Review) => OwnUnit,
            _ => Nowhere,
        }
    }

    /// Refuse, with what the person is told, a role that has no part in `action` anywhere (a
    /// page or route it should not open at all).
    pub fn takes_part(self, action: Action) -> Result<(), &'static str> {
        match self.may(action) {
            Reach::Nowhere => Err(action.refusal(false)),
            _ => Ok(()),
        }
    }

    /// Whether a member of `own_unit` with this role may take `action` on `unit`'s records
    /// (`None`: on no unit in particular, e.g. opening a list).
    pub fn allows(self, own_unit: i64, action: Action, unit: Option<i64>) -> bool {
        match self.may(action) {
            Reach::EveryUnit => true,
            Reach::OwnUnit => unit.is_none_or(|u| u == own_unit),
            Reach::Nowhere => false,
        }
    }
}

impl Action {
    /// What a person refused is told: `elsewhere` when the role may act in its own unit only
    /// and tried another's.
    pub fn refusal(self, elsewhere: bool) -> &'static str {
        use Action::*;
        if elsewhere {
            return match self {
                ReadApplications | HandleApplications => "只能办理本单位收到的申请",
                _ => "您只能为本单位办理此项事务",
            };
        }
        match self {
            ReadApplications => {
                "依申请公开事项含申请人个人信息，仅限依申请办理人员、政务公开办和审计人员查看"
            }
            HandleApplications => "您没有办理依申请公开事项的权限",
            ReadUnitWork => {
                "主动公开、互动交流和监督保障事项仅限信息编辑、审核人员、政务公开办和审计人员使用"
            }
            Draft => "只有本单位的信息编辑人员或政务公开办可以起草和修改信息",
            Review => "只有本单位的信息审核人员或政务公开办可以审核信息",
            Engage => "您只能为本单位办理互动交流事项",
            AnswerNotice => "只有本单位的信息编辑人员或政务公开办可以报送整改情况",
            WriteUnitReport => "只有本单位的信息编辑人员或政务公开办可以编写年度报告",
            Administer => "此操作仅限政务公开办管理员",
            ReadLedger => "审计日志仅限政务公开办和审计人员查看",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Action::*;

    const ACTIONS: [Action; 10] = [
        ReadApplications,
        HandleApplications,
        ReadUnitWork,
        Draft,
        Review,
        Engage,
        AnswerNotice,
        WriteUnitReport,
        Administer,
        ReadLedger,
    ];

    #[test]
    fn the_office_reaches_everything_and_the_auditor_changes_nothing() {
        for a in ACTIONS {
            assert_eq!(Role::OfficeAdmin.may(a), Reach::EveryUnit, "{a:?}");
            let reads = matches!(a, ReadApplications | ReadUnitWork | ReadLedger);
            assert_eq!(Role::Auditor.may(a) != Reach::Nowhere, reads, "{a:?}");
        }
    }

    #[test]
    fn unit_roles_act_in_their_own_unit_only() {
        for role in [Role::Editor, Role::Reviewer, Role::Handler] {
            for a in ACTIONS {
                assert!(role.may(a) < Reach::EveryUnit, "{role:?} {a:?}");
                if role.may(a) == Reach::OwnUnit {
                    assert!(role.allows(7, a, Some(7)));
                    assert!(!role.allows(7, a, Some(8)), "{role:?} {a:?} elsewhere");
                }
            }
        }
    }

    #[test]
    fn personal_data_stays_with_those_who_handle_it() {
        // An editor or reviewer never sees applications; a handler never publishes.
        for role in [Role::Editor, Role::Reviewer] {
            assert_eq!(role.may(ReadApplications), Reach::Nowhere);
        }
        for a in [Draft, Review, Engage, ReadUnitWork, Administer] {
            assert_eq!(Role::Handler.may(a), Reach::Nowhere, "{a:?}");
        }
        // Drafting and reviewing are different people's work (三审).
        assert_eq!(Role::Editor.may(Review), Reach::Nowhere);
        assert_eq!(Role::Reviewer.may(Draft), Reach::Nowhere);
    }

    #[test]
    fn a_role_without_a_part_is_told_why() {
        assert_eq!(
            Role::Editor.takes_part(ReadApplications),
            Err(ReadApplications.refusal(false))
        );
        assert_eq!(Role::Handler.takes_part(HandleApplications), Ok(()));
        assert_eq!(Role::Auditor.takes_part(ReadLedger), Ok(()));
    }

    #[test]
    fn every_refusal_is_a_sentence() {
        for a in ACTIONS {
            for elsewhere in [false, true] {
                let m = a.refusal(elsewhere);
                assert!(m.chars().count() > 6 && !m.ends_with('。'), "{m}");
            }
        }
    }
}
