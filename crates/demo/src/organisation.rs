//! The demo district's organisation: 广州市番禺区人民政府 with the departments, towns and streets
//! a real district has, and staff accounts whose passwords are printed once.

use crate::Demo;
use gongkai_core::Role;
use gongkai_store::Result;
use gongkai_store::actor::Actor;
use gongkai_store::staff::StaffInput;
use gongkai_store::units::UnitInput;

/// One demo account, with its password in clear (shown once).
#[derive(Debug, Clone)]
pub struct DemoAccount {
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub unit_code: String,
    pub password: String,
}

const ROOT: &str = "py";
const OFFICE_HOURS: &str = "周一至周五（法定节假日除外）上午9:00–12:00，下午14:00–18:00";
const ADDRESS: &str = "广州市番禺区清河东路319号";

/// (code, full name, short name, kind)
const UNITS: &[(&str, &str, &str, &str)] = &[
    ("py", "广州市番禺区人民政府", "番禺区人民政府", "government"),
    (
        "py-zfb",
        "广州市番禺区人民政府办公室",
        "区政府办公室",
        "department",
    ),
    (
        "py-fgj",
        "广州市番禺区发展和改革局",
        "区发展改革局",
        "department",
    ),
    ("py-jyj", "广州市番禺区教育局", "区教育局", "department"),
    (
        "py-kgxj",
        "广州市番禺区科技工业商务和信息化局",
        "区科工商信局",
        "department",
    ),
    (
        "py-gaj",
        "广州市公安局番禺区分局",
        "区公安分局",
        "department",
    ),
    ("py-mzj", "广州市番禺区民政局", "区民政局", "department"),
    ("py-sfj", "广州市番禺区司法局", "区司法局", "department"),
    ("py-czj", "广州市番禺区财政局", "区财政局", "department"),
    (
        "py-rsj",
        "广州市番禺区人力资源和社会保障局",
        "区人力资源社会保障局",
        "department",
    ),
    (
        "py-ghzy",
        "广州市规划和自然资源局番禺区分局",
        "区规划和自然资源分局",
        "department",
    ),
    (
        "py-sthj",
        "广州市生态环境局番禺分局",
        "区生态环境分局",
        "department",
    ),
    (
        "py-zjj",
        "广州市番禺区住房和城乡建设局",
        "区住房城乡建设局",
        "department",
    ),
    (
        "py-jtj",
        "广州市番禺区交通运输局",
        "区交通运输局",
        "department",
    ),
    ("py-swj", "广州市番禺区水务局", "区水务局", "department"),
    (
        "py-nyj",
        "广州市番禺区农业农村局",
        "区农业农村局",
        "department",
    ),
    (
        "py-wgltj",
        "广州市番禺区文化广电旅游体育局",
        "区文化广电旅游体育局",
        "department",
    ),
    (
        "py-wjj",
        "广州市番禺区卫生健康局",
        "区卫生健康局",
        "department",
    ),
    (
        "py-tyjr",
        "广州市番禺区退役军人事务局",
        "区退役军人事务局",
        "department",
    ),
    (
        "py-yjj",
        "广州市番禺区应急管理局",
        "区应急管理局",
        "department",
    ),
    ("py-sjj", "广州市番禺区审计局", "区审计局", "department"),
    (
        "py-scjgj",
        "广州市番禺区市场监督管理局",
        "区市场监管局",
        "department",
    ),
    ("py-tjj", "广州市番禺区统计局", "区统计局", "department"),
    ("py-ybj", "广州市番禺区医疗保障局", "区医保局", "department"),
    (
        "py-cgj",
        "广州市番禺区城市管理和综合执法局",
        "区城市管理综合执法局",
        "department",
    ),
    (
        "py-zsj",
        "广州市番禺区政务服务数据管理局",
        "区政务服务数据管理局",
        "department",
    ),
    ("py-ncz", "广州市番禺区南村镇人民政府", "南村镇", "town"),
    ("py-xzz", "广州市番禺区新造镇人民政府", "新造镇", "town"),
    ("py-hlz", "广州市番禺区化龙镇人民政府", "化龙镇", "town"),
    ("py-slz", "广州市番禺区石楼镇人民政府", "石楼镇", "town"),
    ("py-sqz", "广州市番禺区石碁镇人民政府", "石碁镇", "town"),
    ("py-sqj", "广州市番禺区市桥街道办事处", "市桥街道", "street"),
    ("py-stj", "广州市番禺区沙头街道办事处", "沙头街道", "street"),
    ("py-dhj", "广州市番禺区东环街道办事处", "东环街道", "street"),
    ("py-qnj", "广州市番禺区桥南街道办事处", "桥南街道", "street"),
    (
        "py-xgwj",
        "广州市番禺区小谷围街道办事处",
        "小谷围街道",
        "street",
    ),
    ("py-dsj", "广州市番禺区大石街道办事处", "大石街道", "street"),
    ("py-lpj", "广州市番禺区洛浦街道办事处", "洛浦街道", "street"),
    ("py-sbj", "广州市番禺区石壁街道办事处", "石壁街道", "street"),
    ("py-zcj", "广州市番禺区钟村街道办事处", "钟村街道", "street"),
    ("py-dlj", "广州市番禺区大龙街道办事处", "大龙街道", "street"),
    (
        "py-swj2",
        "广州市番禺区沙湾街道办事处",
        "沙湾街道",
        "street",
    ),
];

/// (username, display name, role, unit)
const ACCOUNTS: &[(&str, &str, Role, &str)] = &[
    ("admin", "区政务公开办管理员", Role::OfficeAdmin, "py"),
    ("auditor", "区政务公开办审计员", Role::Auditor, "py"),
    (
        "zjj-editor",
        "区住房城乡建设局信息编辑",
        Role::Editor,
        "py-zjj",
    ),
    (
        "zjj-reviewer",
        "区住房城乡建设局信息审核",
        Role::Reviewer,
        "py-zjj",
    ),
    (
        "zjj-reviewer2",
        "区住房城乡建设局办公室主任（复审）",
        Role::Reviewer,
        "py-zjj",
    ),
    (
        "zjj-leader",
        "区住房城乡建设局分管领导（终审）",
        Role::Reviewer,
        "py-zjj",
    ),
    (
        "zjj-handler",
        "区住房城乡建设局依申请办理",
        Role::Handler,
        "py-zjj",
    ),
];

fn unit_input(i: usize) -> UnitInput {
    let (code, name, short, kind) = UNITS[i];
    let root = code == ROOT;
    UnitInput {
        code: code.into(),
        name: name.into(),
        short_name: short.into(),
        kind: kind.into(),
        parent_code: if root { String::new() } else { ROOT.into() },
        sort_order: i.to_string(),
        office_name: if root {
            "番禺区政务公开领导小组办公室".into()
        } else {
            format!("{short}政府信息公开工作机构（办公室）")
        },
        office_address: ADDRESS.into(),
        office_postcode: "511400".into(),
        office_hours: OFFICE_HOURS.into(),
        office_phone: if root {
            "020-84636178".into()
        } else {
            String::new()
        },
        office_fax: String::new(),
        office_internet: "http://www.panyu.gov.cn".into(),
    }
}

/// A password of 16 letters and digits, without look-alikes (0/O, 1/l/I).
fn demo_password() -> String {
    use rand::Rng;
    const ALPHABET: &[u8] = b"abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut rng = rand::rng();
    (0..16)
        .map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())] as char)
        .collect()
}

impl Demo<'_> {
    /// The demo's units and staff only (what tests that bring their own records start from).
    pub(crate) async fn create_organisation(&self) -> Result<Vec<DemoAccount>> {
        self.reset_for_demo().await?;
        let accounts: Vec<DemoAccount> = ACCOUNTS
            .iter()
            .map(|(username, display_name, role, unit)| DemoAccount {
                username: (*username).into(),
                display_name: (*display_name).into(),
                role: *role,
                unit_code: (*unit).into(),
                password: demo_password(),
            })
            .collect();
        for i in 0..UNITS.len() {
            self.create_unit(&Actor::DEMO, &unit_input(i)).await?;
        }
        for a in &accounts {
            let input = StaffInput {
                username: a.username.clone(),
                display_name: a.display_name.clone(),
                unit_code: a.unit_code.clone(),
                role: a.role.as_str().into(),
                password: a.password.clone(),
            };
            self.create_staff(&Actor::DEMO, &input).await?;
        }
        Ok(accounts)
    }
}
