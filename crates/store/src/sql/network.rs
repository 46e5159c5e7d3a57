//! SQL of the network (NetworkStore), compiled for both backends as a child of `sql`.

use super::{finish, This, Tx};
use crate::error::{dup, fk};
use crate::network::{ConnectionPoint, NetworkStore, NetworkZone, ZoneLink};
use crate::{new_id, now_ms, Actor, AuditDraft, ConflictKind, Entity, Result, StoreError};
use async_trait::async_trait;
use serde_json::json;

const ZONE_SELECT: &str = "SELECT id, institution_id, name, purpose, ranges, notes, version, \
     created_at, updated_at, updated_by, updated_label FROM network_zones";
const LINK_SELECT: &str = "SELECT id, institution_id, from_zone, to_zone, via_asset, version, \
     created_at, created_by, created_label FROM zone_links";
const POINT_SELECT: &str = "SELECT id, institution_id, kind, counterpart, via_asset, vendor_id, \
     maintenance, notes, version, created_at, updated_at, updated_by, updated_label \
     FROM connection_points";

/// Hold the institution's row (a no-op update: the row lock on PostgreSQL; SQLite has one
/// writer) and check `z` against its other zones (a taken name, an overlap) and its
/// entries (each address inside the ranges).
async fn hold_and_check(tx: &mut Tx, z: &NetworkZone) -> Result<()> {
    sqlx::query("UPDATE institutions SET version = version WHERE id = $1")
        .bind(&z.institution_id)
        .execute(&mut **tx)
        .await?;
    let others =
        sqlx::query_as::<_, NetworkZone>(&format!("{ZONE_SELECT} WHERE institution_id = $1"))
            .bind(&z.institution_id)
            .fetch_all(&mut **tx)
            .await?;
    let mine = z.range_list();
    for o in others.iter().filter(|o| o.id != z.id) {
        if o.name == z.name {
            return Err(StoreError::Duplicate(Entity::Zone));
        }
        if mamori_domain::network::overlap(&mine, &o.range_list()).is_some() {
            return Err(StoreError::Conflict(ConflictKind::ZoneOverlap));
        }
    }
    // The entries in the zone keep their addresses inside its ranges.
    let entries: Vec<(String,)> =
        sqlx::query_as("SELECT ip_addresses FROM assets WHERE zone_id = $1")
            .bind(&z.id)
            .fetch_all(&mut **tx)
            .await?;
    let outside = entries.iter().any(|(ips,)| {
        let ips: Vec<String> = serde_json::from_str(ips).unwrap_or_default();
        mamori_domain::network::outside(&ips, &mine).is_some()
    });
    if outside {
        return Err(StoreError::Conflict(ConflictKind::ZoneEntriesOutside));
    }
    Ok(())
}

/// `Ok` when `id` (if any) is an asset of `institution_id`.
async fn own_asset(tx: &mut Tx, institution_id: &str, id: Option<&str>) -> Result<()> {
    let Some(id) = id else { return Ok(()) };
    let n: Option<(String,)> =
        sqlx::query_as("SELECT id FROM assets WHERE id = $1 AND institution_id = $2")
            .bind(id)
            .bind(institution_id)
            .fetch_optional(&mut **tx)
            .await?;
    n.map(|_| ()).ok_or(StoreError::NotFound(Entity::Asset))
}

/// `Ok` when `id` is a zone of `institution_id`.
async fn own_zone(tx: &mut Tx, institution_id: &str, id: &str) -> Result<()> {
    let n: Option<(String,)> =
        sqlx::query_as("SELECT id FROM network_zones WHERE id = $1 AND institution_id = $2")
            .bind(id)
            .bind(institution_id)
            .fetch_optional(&mut **tx)
            .await?;
    n.map(|_| ()).ok_or(StoreError::NotFound(Entity::Zone))
}

/// The zone rules of a ledger entry about to be saved, inside the writing transaction with
/// the institution's row held (so that two saves, or a save and a zone's change, queue up):
/// its zone is the institution's (`NotFound(Zone)`), its addresses fall in the zone's ranges
/// (`Conflict(AddressOutsideZone)`), and no other entry in use in the same zone (entries
/// without a zone count as one) has one of them (`Conflict(AddressTaken)`).
pub(super) async fn asset_zone_rules(tx: &mut Tx, a: &crate::Asset) -> Result<()> {
    sqlx::query("UPDATE institutions SET version = version WHERE id = $1")
        .bind(&a.institution_id)
        .execute(&mut **tx)
        .await?;
    let addresses = a.addresses();
    if let Some(z) = &a.zone_id {
        let (ranges,): (String,) = sqlx::query_as(
            "SELECT ranges FROM network_zones WHERE id = $1 AND institution_id = $2",
        )
        .bind(z)
        .bind(&a.institution_id)
        .fetch_optional(&mut **tx)
        .await?
        .ok_or(StoreError::NotFound(Entity::Zone))?;
        let ranges: Vec<String> = serde_json::from_str(&ranges).unwrap_or_default();
        if mamori_domain::network::outside(&addresses, &ranges).is_some() {
            return Err(StoreError::Conflict(ConflictKind::AddressOutsideZone));
        }
    }
    if addresses.is_empty() || a.status == mamori_domain::assets::AssetStatus::Retired {
        return Ok(());
    }
    let zone_clause = if a.zone_id.is_some() {
        "zone_id = $4"
    } else {
        "zone_id IS NULL AND $4 IS NULL"
    };
    let others: Vec<(String,)> = sqlx::query_as(&format!(
        "SELECT ip_addresses FROM assets WHERE institution_id = $1 AND id <> $2 \
         AND status <> $3 AND {zone_clause}"
    ))
    .bind(&a.institution_id)
    .bind(&a.id)
    .bind(mamori_domain::assets::AssetStatus::Retired)
    .bind(&a.zone_id)
    .fetch_all(&mut **tx)
    .await?;
    let taken = others.iter().any(|(ips,)| {
        serde_json::from_str::<Vec<String>>(ips)
            .unwrap_or_default()
            .iter()
            .any(|ip| addresses.contains(ip))
    });
    if taken {
        return Err(StoreError::Conflict(ConflictKind::AddressTaken));
    }
    Ok(())
}

fn point_detail(c: &ConnectionPoint) -> serde_json::Value {
    json!({"kind": c.kind, "counterpart": c.counterpart, "via_asset": c.via_asset,
        "vendor_id": c.vendor_id, "maintenance": c.maintenance})
}

#[async_trait]
impl NetworkStore for This {
    async fn create_zone(&self, actor: &Actor, z: &NetworkZone) -> Result<NetworkZone> {
        let mut tx = self.begin().await?;
        let now = now_ms();
        let saved = NetworkZone {
            id: new_id(),
            version: 1,
            created_at: now,
            updated_at: now,
            updated_by: actor.user_id.clone(),
            updated_label: actor.label.clone(),
            ..z.clone()
        };
        hold_and_check(&mut tx, &saved).await?;
        sqlx::query(
            "INSERT INTO network_zones (id, institution_id, name, purpose, ranges, notes, \
             version, created_at, updated_at, updated_by, updated_label) \
             VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11)",
        )
        .bind(&saved.id)
        .bind(&saved.institution_id)
        .bind(&saved.name)
        .bind(saved.purpose)
        .bind(&saved.ranges)
        .bind(&saved.notes)
        .bind(saved.version)
        .bind(saved.created_at)
        .bind(saved.updated_at)
        .bind(&saved.updated_by)
        .bind(&saved.updated_label)
        .execute(&mut *tx)
        .await
        .map_err(fk(Entity::Institution))?;
        finish(
            tx,
            actor,
            AuditDraft::new(
                Some(&saved.institution_id),
                "network.zone-create",
                "zone",
                &saved.id,
                json!({"name": saved.name, "purpose": saved.purpose, "ranges": saved.range_list()}),
            ),
        )
        .await?;
        Ok(saved)
    }

    async fn update_zone(
        &self,
        actor: &Actor,
        z: &NetworkZone,
        expected_version: i64,
    ) -> Result<NetworkZone> {
        let mut tx = self.begin().await?;
        let current = sqlx::query_as::<_, NetworkZone>(&format!(
            "{ZONE_SELECT} WHERE id = $1 AND institution_id = $2"
        ))
        .bind(&z.id)
        .bind(&z.institution_id)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(StoreError::NotFound(Entity::Zone))?;
        if current.version != expected_version {
            return Err(StoreError::Conflict(ConflictKind::StaleZone));
        }
        let saved = NetworkZone {
            version: current.version + 1,
            created_at: current.created_at,
            updated_at: now_ms(),
            updated_by: actor.user_id.clone(),
            updated_label: actor.label.clone(),
            ..z.clone()
        };
        hold_and_check(&mut tx, &saved).await?;
        let n = sqlx::query(
            "UPDATE network_zones SET name = $1, purpose = $2, ranges = $3, notes = $4, \
             version = $5, updated_at = $6, updated_by = $7, updated_label = $8 \
             WHERE id = $9 AND version = $10",
        )
        .bind(&saved.name)
        .bind(saved.purpose)
        .bind(&saved.ranges)
        .bind(&saved.notes)
        .bind(saved.version)
        .bind(saved.updated_at)
        .bind(&saved.updated_by)
        .bind(&saved.updated_label)
        .bind(&saved.id)
        .bind(expected_version)
        .execute(&mut *tx)
        .await
        .map_err(dup(Entity::Zone))?
        .rows_affected();
        if n != 1 {
            return Err(StoreError::Conflict(ConflictKind::StaleZone));
        }
        finish(
            tx,
            actor,
            AuditDraft::new(
                Some(&saved.institution_id),
                "network.zone-update",
                "zone",
                &saved.id,
                json!({"name": saved.name, "purpose": saved.purpose, "ranges": saved.range_list(),
                    "version": saved.version}),
            ),
        )
        .await?;
        Ok(saved)
    }

    async fn zone(&self, id: &str) -> Result<Option<NetworkZone>> {
        Ok(
            sqlx::query_as::<_, NetworkZone>(&format!("{ZONE_SELECT} WHERE id = $1"))
                .bind(id)
                .fetch_optional(self.r())
                .await?,
        )
    }

    async fn zones(&self, institution_id: &str) -> Result<Vec<NetworkZone>> {
        Ok(sqlx::query_as::<_, NetworkZone>(&format!(
            "{ZONE_SELECT} WHERE institution_id = $1 ORDER BY name, id"
        ))
        .bind(institution_id)
        .fetch_all(self.r())
        .await?)
    }

    async fn create_zone_link(&self, actor: &Actor, l: &ZoneLink) -> Result<ZoneLink> {
        let mut tx = self.begin().await?;
        own_zone(&mut tx, &l.institution_id, &l.from_zone).await?;
        own_zone(&mut tx, &l.institution_id, &l.to_zone).await?;
        own_asset(&mut tx, &l.institution_id, l.via_asset.as_deref()).await?;
        let saved = ZoneLink {
            id: new_id(),
            version: 1,
            created_at: now_ms(),
            created_by: actor.user_id.clone(),
            created_label: actor.label.clone(),
            ..l.clone()
        };
        sqlx::query(
            "INSERT INTO zone_links (id, institution_id, from_zone, to_zone, via_asset, \
             version, created_at, created_by, created_label) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9)",
        )
        .bind(&saved.id)
        .bind(&saved.institution_id)
        .bind(&saved.from_zone)
        .bind(&saved.to_zone)
        .bind(&saved.via_asset)
        .bind(saved.version)
        .bind(saved.created_at)
        .bind(&saved.created_by)
        .bind(&saved.created_label)
        .execute(&mut *tx)
        .await
        .map_err(fk(Entity::Zone))?;
        finish(
            tx,
            actor,
            AuditDraft::new(
                Some(&saved.institution_id),
                "network.link-create",
                "zone_link",
                &saved.id,
                json!({"from_zone": saved.from_zone, "to_zone": saved.to_zone,
                    "via_asset": saved.via_asset}),
            ),
        )
        .await?;
        Ok(saved)
    }

    async fn delete_zone_link(&self, actor: &Actor, institution_id: &str, id: &str) -> Result<()> {
        let mut tx = self.begin().await?;
        let n = sqlx::query("DELETE FROM zone_links WHERE id = $1 AND institution_id = $2")
            .bind(id)
            .bind(institution_id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if n != 1 {
            return Err(StoreError::NotFound(Entity::ZoneLink));
        }
        finish(
            tx,
            actor,
            AuditDraft::new(
                Some(institution_id),
                "network.link-delete",
                "zone_link",
                id,
                json!({}),
            ),
        )
        .await?;
        Ok(())
    }

    async fn zone_links(&self, institution_id: &str) -> Result<Vec<ZoneLink>> {
        Ok(sqlx::query_as::<_, ZoneLink>(&format!(
            "{LINK_SELECT} WHERE institution_id = $1 ORDER BY created_at, id"
        ))
        .bind(institution_id)
        .fetch_all(self.r())
        .await?)
    }

    async fn create_connection_point(
        &self,
        actor: &Actor,
        c: &ConnectionPoint,
    ) -> Result<ConnectionPoint> {
        let mut tx = self.begin().await?;
        own_asset(&mut tx, &c.institution_id, c.via_asset.as_deref()).await?;
        let now = now_ms();
        let saved = ConnectionPoint {
            id: new_id(),
            version: 1,
            created_at: now,
            updated_at: now,
            updated_by: actor.user_id.clone(),
            updated_label: actor.label.clone(),
            ..c.clone()
        };
        sqlx::query(
            "INSERT INTO connection_points (id, institution_id, kind, counterpart, via_asset, \
             vendor_id, maintenance, notes, version, created_at, updated_at, updated_by, \
             updated_label) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13)",
        )
        .bind(&saved.id)
        .bind(&saved.institution_id)
        .bind(saved.kind)
        .bind(&saved.counterpart)
        .bind(&saved.via_asset)
        .bind(&saved.vendor_id)
        .bind(saved.maintenance)
        .bind(&saved.notes)
        .bind(saved.version)
        .bind(saved.created_at)
        .bind(saved.updated_at)
        .bind(&saved.updated_by)
        .bind(&saved.updated_label)
        .execute(&mut *tx)
        .await
        .map_err(fk(Entity::Vendor))?;
        finish(
            tx,
            actor,
            AuditDraft::new(
                Some(&saved.institution_id),
                "network.connection-create",
                "connection_point",
                &saved.id,
                point_detail(&saved),
            ),
        )
        .await?;
        Ok(saved)
    }

    async fn update_connection_point(
        &self,
        actor: &Actor,
        c: &ConnectionPoint,
        expected_version: i64,
    ) -> Result<ConnectionPoint> {
        let mut tx = self.begin().await?;
        let current = sqlx::query_as::<_, ConnectionPoint>(&format!(
            "{POINT_SELECT} WHERE id = $1 AND institution_id = $2"
        ))
        .bind(&c.id)
        .bind(&c.institution_id)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(StoreError::NotFound(Entity::ConnectionPoint))?;
        if current.version != expected_version {
            return Err(StoreError::Conflict(ConflictKind::StaleConnectionPoint));
        }
        own_asset(&mut tx, &c.institution_id, c.via_asset.as_deref()).await?;
        let saved = ConnectionPoint {
            version: current.version + 1,
            created_at: current.created_at,
            updated_at: now_ms(),
            updated_by: actor.user_id.clone(),
            updated_label: actor.label.clone(),
            ..c.clone()
        };
        let n = sqlx::query(
            "UPDATE connection_points SET kind = $1, counterpart = $2, via_asset = $3, \
             vendor_id = $4, maintenance = $5, notes = $6, version = $7, updated_at = $8, \
             updated_by = $9, updated_label = $10 WHERE id = $11 AND version = $12",
        )
        .bind(saved.kind)
        .bind(&saved.counterpart)
        .bind(&saved.via_asset)
        .bind(&saved.vendor_id)
        .bind(saved.maintenance)
        .bind(&saved.notes)
        .bind(saved.version)
        .bind(saved.updated_at)
        .bind(&saved.updated_by)
        .bind(&saved.updated_label)
        .bind(&saved.id)
        .bind(expected_version)
        .execute(&mut *tx)
        .await
        .map_err(fk(Entity::Vendor))?
        .rows_affected();
        if n != 1 {
            return Err(StoreError::Conflict(ConflictKind::StaleConnectionPoint));
        }
        finish(
            tx,
            actor,
            AuditDraft::new(
                Some(&saved.institution_id),
                "network.connection-update",
                "connection_point",
                &saved.id,
                point_detail(&saved),
            ),
        )
        .await?;
        Ok(saved)
    }

    async fn delete_connection_point(
        &self,
        actor: &Actor,
        institution_id: &str,
        id: &str,
        expected_version: i64,
    ) -> Result<()> {
        let mut tx = self.begin().await?;
        let current = sqlx::query_as::<_, ConnectionPoint>(&format!(
            "{POINT_SELECT} WHERE id = $1 AND institution_id = $2"
        ))
        .bind(id)
        .bind(institution_id)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(StoreError::NotFound(Entity::ConnectionPoint))?;
        let n = sqlx::query("DELETE FROM connection_points WHERE id = $1 AND version = $2")
            .bind(id)
            .bind(expected_version)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if n != 1 {
            return Err(StoreError::Conflict(ConflictKind::StaleConnectionPoint));
        }
        finish(
            tx,
            actor,
            AuditDraft::new(
                Some(institution_id),
                "network.connection-delete",
                "connection_point",
                id,
                point_detail(&current),
            ),
        )
        .await?;
        Ok(())
    }

    async fn connection_point(&self, id: &str) -> Result<Option<ConnectionPoint>> {
        Ok(
            sqlx::query_as::<_, ConnectionPoint>(&format!("{POINT_SELECT} WHERE id = $1"))
                .bind(id)
                .fetch_optional(self.r())
                .await?,
        )
    }

    async fn connection_points(&self, institution_id: &str) -> Result<Vec<ConnectionPoint>> {
        Ok(sqlx::query_as::<_, ConnectionPoint>(&format!(
            "{POINT_SELECT} WHERE institution_id = $1 ORDER BY created_at, id"
        ))
        .bind(institution_id)
        .fetch_all(self.r())
        .await?)
    }
}
