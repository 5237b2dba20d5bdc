//! `outbox_pruned`: how far outbox pruning went (every entry up to `through` is gone).

use sea_orm::ActiveValue::Set;
use sea_orm::entity::prelude::*;
use sea_orm::{QuerySelect, TransactionTrait};

use super::outbox;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
#[sea_orm(table_name = "outbox_pruned")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub through: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

/// Every outbox entry up to this id was pruned; 0 when none was.
pub async fn through(db: &impl ConnectionTrait) -> Result<i32, DbErr> {
    let last: Option<Option<i32>> = Entity::find()
        .select_only()
        .column_as(Column::Through.max(), "through")
        .into_tuple()
        .one(db)
        .await?;
    Ok(last.flatten().unwrap_or(0))
}

/// Deletes the outbox entries older than `retention` that the caller has applied (up to
/// `applied`), and records how far that went; returns how many entries went.
pub async fn prune(
    db: &impl TransactionTrait,
    retention: std::time::Duration,
    applied: i32,
) -> Result<u64, DbErr> {
    let txn = db.begin().await?;
    let upto = outbox::settled(&txn, retention).await?.min(applied);
    if upto <= through(&txn).await? {
        return Ok(0);
    }
    let gone = outbox::Entity::delete_many()
        .filter(outbox::Column::Id.lte(upto))
        .exec(&txn)
        .await?
        .rows_affected;
    Entity::delete_many().exec(&txn).await?;
    Entity::insert(ActiveModel { through: Set(upto) })
        .exec(&txn)
        .await?;
    txn.commit().await?;
    Ok(gone)
}
