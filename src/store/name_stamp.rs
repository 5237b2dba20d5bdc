//! `name_stamp`: a token that changes in every transaction changing the names mentions
//! resolve against (clusters' and networks' names and aliases, their creation and deletion).
//! Tokens are random rather than counted, so two stores never share one in a process's cache.

use sea_orm::entity::prelude::*;
use sea_orm::sea_query::Expr;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
#[sea_orm(table_name = "name_stamp")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: i32,
    pub token: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

/// The names as this connection sees them, as a token.
pub async fn token(db: &impl ConnectionTrait) -> Result<i64, DbErr> {
    Ok(Entity::find_by_id(1)
        .one(db)
        .await?
        .map_or(0, |row| row.token))
}

/// The names change in this transaction.
pub async fn touch(db: &impl ConnectionTrait) -> Result<(), DbErr> {
    Entity::update_many()
        .col_expr(Column::Token, Expr::value(fresh_token()))
        .filter(Column::Id.eq(1))
        .exec(db)
        .await?;
    Ok(())
}

fn fresh_token() -> i64 {
    use rand::TryRngCore;
    // The OS generator failing is not worth failing a write for: the clock still differs.
    rand::rngs::OsRng.try_next_u64().map_or_else(
        |_| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_nanos() as i64)
        },
        |n| n as i64,
    )
}
