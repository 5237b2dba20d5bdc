//! From GraphQL input to checked values: absent fields stay absent, `null` clears, and
//! every refusal names its field's path.

use async_graphql::{ID, MaybeUndefined};

use crate::graphql::GlobalId;
use crate::graphql::context::Res;
use crate::write::check;

/// A field that may be cleared: absent, `null`, or a value `check` accepts.
pub fn clearable<T, U>(
    path: &str,
    value: MaybeUndefined<T>,
    check: impl FnOnce(&str, T) -> crate::Result<U>,
) -> Res<Option<Option<U>>> {
    match value {
        MaybeUndefined::Undefined => Ok(None),
        MaybeUndefined::Null => Ok(Some(None)),
        MaybeUndefined::Value(v) => Ok(Some(Some(check(path, v)?))),
    }
}

/// Clearable text: blank is the same as `null`.
pub fn clearable_text(
    path: &str,
    value: MaybeUndefined<String>,
    max: usize,
) -> Res<Option<Option<String>>> {
    Ok(clearable(path, value, |p, v| check::optional_text(p, Some(&v), max))?.map(Option::flatten))
}

/// Required text, when given.
pub fn given_text(path: &str, value: Option<String>, max: usize) -> Res<Option<String>> {
    Ok(value.map(|v| check::text(path, &v, max)).transpose()?)
}

/// A list of checked entries, each at `path.i`.
pub fn each<T, U>(
    path: &str,
    values: Option<Vec<T>>,
    mut check: impl FnMut(&str, T) -> Res<U>,
) -> Res<Option<Vec<U>>> {
    let Some(values) = values else {
        return Ok(None);
    };
    check::list(path, &values)?;
    values
        .into_iter()
        .enumerate()
        .map(|(i, v)| check(&format!("{path}.{i}"), v))
        .collect::<Res<Vec<U>>>()
        .map(Some)
}

/// The row id of a global id of `kind`.
pub fn id_of(field: &str, kind: &str, id: &ID) -> Res<i32> {
    match GlobalId::decode(id) {
        Ok(g) if g.kind == kind => Ok(g.id),
        _ => Err(crate::Error::invalid_field(
            field,
            format!("{field} {:?} is not the id of a {kind}", id.as_str()),
        )
        .into()),
    }
}

/// Checks a slug argument or input field.
pub fn slug(path: &str, value: &str) -> Res<String> {
    Ok(check::slug(path, value)?)
}
