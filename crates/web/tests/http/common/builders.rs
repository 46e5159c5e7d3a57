//! Data a test needs: the demo's records looked up by name, and records a test creates.

use super::*;

pub async fn demo_contract(app: &App, vendor: &str) -> mamori_store::Contract {
    let inst = app
        .store
        .institution_by_code(DEMO_CODE)
        .await
        .unwrap()
        .unwrap();
    app.store
        .contracts(&inst.id)
        .await
        .unwrap()
        .into_iter()
        .find(|c| c.vendor_name == vendor)
        .unwrap()
}

pub async fn item_row(
    app: &App,
    contract: &str,
    item: &str,
) -> Option<mamori_store::RoleSharingItem> {
    app.store
        .role_sharing_items(contract)
        .await
        .unwrap()
        .into_iter()
        .find(|r| r.item_id == item)
}
