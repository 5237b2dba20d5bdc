//! Rows kept by natural key with a version (clusters, networks, news items): inserted at
//! version 1, updated at the next version, or left alone when their fields already match, so
//! that a re-import writes nothing and an update is visible as a new version.

use sea_orm::prelude::DateTimeWithTimeZone;
use sea_orm::{ActiveModelBehavior, ActiveModelTrait, ConnectionTrait, DbErr, EntityTrait};
use sea_orm::{Condition, IntoActiveModel, ModelTrait, QueryFilter};

use super::Parent;

/// The stored row of a table whose write fields are `F`.
pub type ModelOf<F> =
    <<<F as Versioned>::Active as ActiveModelTrait>::Entity as EntityTrait>::Model;

/// The fields a write states of one row, and how they map onto the table.
pub trait Versioned: PartialEq + Sized {
    type Active: ActiveModelTrait + ActiveModelBehavior + Send;

    /// The fields as `row` holds them.
    fn of(row: &ModelOf<Self>) -> Self;
    /// Sets the fields on `a`.
    fn apply(self, a: &mut Self::Active);
    /// The row's id and version.
    fn id_version(row: &ModelOf<Self>) -> (i32, i32);
    /// Sets the version, and the timestamps where the table has them.
    fn stamp(a: &mut Self::Active, version: i32, now: DateTimeWithTimeZone, inserted: bool);
    /// The row `id` while it is still at `version`.
    fn at(id: i32, version: i32) -> Condition;
}

/// Writes `fields` over row `id` as the next version, only if it is still at `version`.
/// Returns false when it is not (someone else wrote it first) or is gone. One statement:
/// PostgreSQL makes a concurrent writer wait on the row and then see the new version.
pub async fn overwrite<F>(
    db: &impl ConnectionTrait,
    fields: F,
    id: i32,
    version: i32,
) -> Result<bool, DbErr>
where
    F: Versioned,
{
    let mut a = <F::Active as ActiveModelTrait>::default();
    fields.apply(&mut a);
    F::stamp(
        &mut a,
        version + 1,
        chrono::Utc::now().fixed_offset(),
        false,
    );
    let done = <F::Active as ActiveModelTrait>::Entity::update_many()
        .set(a)
        .filter(F::at(id, version))
        .exec(db)
        .await?;
    Ok(done.rows_affected == 1)
}

/// Deletes row `id` only if it is still at `version`; false when it is not.
pub async fn delete<F>(db: &impl ConnectionTrait, id: i32, version: i32) -> Result<bool, DbErr>
where
    F: Versioned,
{
    let done = <F::Active as ActiveModelTrait>::Entity::delete_many()
        .filter(F::at(id, version))
        .exec(db)
        .await?;
    Ok(done.rows_affected == 1)
}

/// Writes `fields` over `stored` (the row with the same natural key, if any). Returns the row
/// as the parent of its children and whether anything was written.
pub async fn upsert<F>(
    db: &impl ConnectionTrait,
    fields: F,
    stored: Option<ModelOf<F>>,
) -> Result<(Parent, bool), DbErr>
where
    F: Versioned,
    ModelOf<F>: IntoActiveModel<F::Active> + ModelTrait,
{
    let now = chrono::Utc::now().fixed_offset();
    match stored {
        Some(row) if F::of(&row) == fields => {
            let (id, _) = F::id_version(&row);
            Ok((Parent { id, fresh: false }, false))
        }
        Some(row) => {
            let (id, version) = F::id_version(&row);
            let mut a = row.into_active_model();
            fields.apply(&mut a);
            F::stamp(&mut a, version + 1, now, false);
            a.update(db).await?;
            Ok((Parent { id, fresh: false }, true))
        }
        None => {
            let mut a = <F::Active as ActiveModelTrait>::default();
            fields.apply(&mut a);
            F::stamp(&mut a, 1, now, true);
            let row = a.insert(db).await?;
            let (id, _) = F::id_version(&row);
            Ok((Parent { id, fresh: true }, true))
        }
    }
}
