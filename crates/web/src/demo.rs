//! Demo data: さくら総合病院 with a user for every role and three vendors, loaded by
//! `mamori serve --demo` into an empty database.

use crate::auth::hash_password;
use mamori_domain::{InstitutionKind, Role};
use mamori_store::{now_ms, Actor, NewInstitution, NewUser, Store};

/// The password of every demo account (printed at start-up; never use it for real data).
pub const DEMO_PASSWORD: &str = "sakura-demo-2026";
pub const DEMO_CODE: &str = "1311234567";

pub struct DemoUser {
    pub email: &'static str,
    pub name: &'static str,
    pub role: Option<Role>,
    pub vendor: Option<&'static str>,
    pub platform_admin: bool,
}

pub const DEMO_USERS: [DemoUser; 10] = [
    DemoUser {
        email: "admin@mamori.example",
        name: "プラットフォーム管理者",
        role: None,
        vendor: None,
        platform_admin: true,
    },
    DemoUser {
        email: "rijicho@sakura.example.jp",
        name: "桜井 一郎(理事長)",
        role: Some(Role::Executive),
        vendor: None,
        platform_admin: false,
    },
    DemoUser {
        email: "anzen@sakura.example.jp",
        name: "安藤 恵(医療情報システム安全管理責任者)",
        role: Some(Role::SecurityOfficer),
        vendor: None,
        platform_admin: false,
    },
    DemoUser {
        email: "kikaku@sakura.example.jp",
        name: "菊地 誠(企画管理者)",
        role: Some(Role::PlanningManager),
        vendor: None,
        platform_admin: false,
    },
    DemoUser {
        email: "unyo@sakura.example.jp",
        name: "宇野 翔(システム運用担当者)",
        role: Some(Role::SystemOperator),
        vendor: None,
        platform_admin: false,
    },
    DemoUser {
        email: "shokuin@sakura.example.jp",
        name: "佐藤 花子(職員)",
        role: Some(Role::Staff),
        vendor: None,
        platform_admin: false,
    },
    DemoUser {
        email: "kensa@pref.tokyo.example.jp",
        name: "東 京子(立入検査担当)",
        role: Some(Role::Inspector),
        vendor: None,
        platform_admin: false,
    },
    DemoUser {
        email: "tanto@a-sha.example.jp",
        name: "A社 担当者",
        role: None,
        vendor: Some("A社"),
        platform_admin: false,
    },
    DemoUser {
        email: "tanto@b-sha.example.jp",
        name: "B社 担当者",
        role: None,
        vendor: Some("B社"),
        platform_admin: false,
    },
    DemoUser {
        email: "tanto@c-sha.example.jp",
        name: "C社 担当者",
        role: None,
        vendor: Some("C社"),
        platform_admin: false,
    },
];

/// The demo vendors and what each provides to the demo hospital.
pub const DEMO_VENDORS: [(&str, &str); 3] = [
    ("A社", "レセコン"),
    ("B社", "電子カルテ"),
    ("C社", "PACS クラウド"),
];

/// Load the demo into an empty database. Returns false (and changes nothing) when the
/// database already holds data.
pub async fn load(store: &dyn Store) -> anyhow::Result<bool> {
    if !store.is_empty().await? {
        return Ok(false);
    }
    let actor = Actor::system("demo");
    let inst = store
        .create_institution(
            &actor,
            NewInstitution {
                code: DEMO_CODE.into(),
                name: "さくら総合病院".into(),
                kind: InstitutionKind::Hospital,
                prefecture: "13".into(),
                beds: 200,
                mfa_required: false,
            },
        )
        .await?;
    let mut vendor_ids = Vec::new();
    for (name, _) in DEMO_VENDORS {
        vendor_ids.push((name, store.create_vendor(&actor, name).await?.id));
    }
    // One hash for all demo accounts: argon2 is deliberately slow.
    let hash = hash_password(DEMO_PASSWORD).map_err(|e| anyhow::anyhow!("{e}"))?;
    for u in DEMO_USERS {
        let user = store
            .create_user(
                &actor,
                NewUser {
                    email: u.email.into(),
                    display_name: u.name.into(),
                    password_hash: hash.clone(),
                    platform_admin: u.platform_admin,
                    locale: "ja".into(),
                },
            )
            .await?;
        if let Some(role) = u.role {
            let expires = (role == Role::Inspector).then(|| now_ms() + 30 * 86_400_000);
            store
                .grant_role(&actor, &inst.id, &user.id, role, expires)
                .await?;
        }
        if let Some(v) = u.vendor {
            if let Some((_, id)) = vendor_ids.iter().find(|(n, _)| *n == v) {
                store.add_vendor_member(&actor, id, &user.id).await?;
            }
        }
    }
    Ok(true)
}
