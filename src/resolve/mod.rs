//! Entity resolution, below both writers (the importer and the API's writes): which known
//! cluster or network a name means ([`mentions`]), the directory of every stored name
//! ([`known`]), and the natural keys that make two records one ([`keys`]).

pub mod keys;
pub mod known;
pub mod mentions;
