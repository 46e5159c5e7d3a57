//! Rules of an institution's membership: every institution keeps at least one live security
//! officer, since nobody else can manage its members.

use crate::Role;

/// A grant is live until its expiry (none: it does not expire).
pub fn is_live(expires_at: Option<i64>, now: i64) -> bool {
    expires_at.is_none_or(|e| e > now)
}

/// The users holding a live security-officer grant, from `(user id, role, expiry)` grants of
/// one institution.
pub fn live_officers<'a>(
    grants: impl IntoIterator<Item = (&'a str, Role, Option<i64>)>,
    now: i64,
) -> Vec<&'a str> {
    let mut out: Vec<&str> = grants
        .into_iter()
        .filter(|(_, role, expires_at)| *role == Role::SecurityOfficer && is_live(*expires_at, now))
        .map(|(user, _, _)| user)
        .collect();
    out.sort_unstable();
    out.dedup();
    out
}

/// True when taking `role` from `user_id` would leave the institution without a live
/// security officer (`live_officers` as returned by [`live_officers`]). Revoking an expired
/// grant, or any other role, never does.
pub fn removes_last_officer(live_officers: &[&str], user_id: &str, role: Role) -> bool {
    role == Role::SecurityOfficer && live_officers.len() <= 1 && live_officers.contains(&user_id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_last_live_officer_is_kept() {
        let now = 1_000;
        let grants = [
            ("a", Role::SecurityOfficer, None),
            ("b", Role::SecurityOfficer, Some(500)),
            ("c", Role::Staff, None),
        ];
        let live = live_officers(grants, now);
        assert_eq!(live, ["a"]);
        assert!(removes_last_officer(&live, "a", Role::SecurityOfficer));
        assert!(!removes_last_officer(&live, "a", Role::Staff));
        assert!(!removes_last_officer(&live, "b", Role::SecurityOfficer));
        let two = live_officers(
            [
                ("a", Role::SecurityOfficer, None),
                ("d", Role::SecurityOfficer, Some(2_000)),
            ],
            now,
        );
        assert!(!removes_last_officer(&two, "a", Role::SecurityOfficer));
        assert!(!is_live(Some(now), now));
    }
}
