//! Replacing the child rows of one parent (a cluster's contacts, a news item's mentions...):
//! compare with what is stored and, only when they differ, delete them all and insert the
//! wanted ones in one statement. A re-import of an unchanged page writes nothing.

use sea_orm::{ActiveModelTrait, ConnectionTrait, DbErr, DeleteMany, EntityTrait};

/// The parent whose children are replaced. One inserted by this very write has no children
/// yet: nothing to read back or delete (a first import of a profile: 34 statements -> 20).
#[derive(Clone, Copy, Debug)]
pub struct Parent {
    pub id: i32,
    pub fresh: bool,
}

impl Parent {
    /// The stored children as `read` returns them; none for a fresh parent.
    pub async fn existing<T: Default>(
        self,
        read: impl Future<Output = Result<T, DbErr>>,
    ) -> Result<T, DbErr> {
        if self.fresh {
            Ok(T::default())
        } else {
            read.await
        }
    }
}

/// `existing` and `wanted` are the same projection of the rows, in the same order; `row`
/// builds the row to insert from its position and its projection.
pub async fn replace<E, R>(
    db: &impl ConnectionTrait,
    existing: Vec<R>,
    wanted: Vec<R>,
    delete: DeleteMany<E>,
    mut row: impl FnMut(i32, R) -> E::ActiveModel,
) -> Result<bool, DbErr>
where
    E: EntityTrait,
    E::ActiveModel: ActiveModelTrait<Entity = E> + Send,
    R: PartialEq,
{
    if existing == wanted {
        return Ok(false);
    }
    if !existing.is_empty() {
        delete.exec(db).await?;
    }
    let new: Vec<E::ActiveModel> = (0..).zip(wanted).map(|(i, r)| row(i, r)).collect();
    if !new.is_empty() {
        E::insert_many(new).exec(db).await?;
    }
    Ok(true)
}
