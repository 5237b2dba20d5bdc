//! `api_token`: who may call the API beyond public reads. Only digests of the secrets.

use sea_orm::ActiveValue::Set;
use sea_orm::QueryOrder;
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
#[sea_orm(table_name = "api_token")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub name: String,
    #[sea_orm(unique)]
    pub digest: String,
    /// Comma-separated scope names.
    pub scopes: String,
    pub created_at: DateTimeWithTimeZone,
    pub revoked_at: Option<DateTimeWithTimeZone>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

pub async fn create(
    db: &impl ConnectionTrait,
    name: &str,
    scopes: &str,
    digest: &str,
) -> Result<Model, DbErr> {
    ActiveModel {
        name: Set(name.to_owned()),
        digest: Set(digest.to_owned()),
        scopes: Set(scopes.to_owned()),
        created_at: Set(chrono::Utc::now().fixed_offset()),
        revoked_at: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await
}

/// The token with this digest, unless it was revoked.
pub async fn live(db: &impl ConnectionTrait, digest: &str) -> Result<Option<Model>, DbErr> {
    Entity::find()
        .filter(Column::Digest.eq(digest))
        .filter(Column::RevokedAt.is_null())
        .one(db)
        .await
}

pub async fn all(db: &impl ConnectionTrait) -> Result<Vec<Model>, DbErr> {
    Entity::find().order_by_asc(Column::Id).all(db).await
}

/// Revokes token `id`; false when there is no such live token.
pub async fn revoke(db: &impl ConnectionTrait, id: i32) -> Result<bool, DbErr> {
    let done = Entity::update_many()
        .col_expr(
            Column::RevokedAt,
            Expr::value(chrono::Utc::now().fixed_offset()),
        )
        .filter(Column::Id.eq(id))
        .filter(Column::RevokedAt.is_null())
        .exec(db)
        .await?;
    Ok(done.rows_affected == 1)
}
