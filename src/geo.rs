//! Countries: ISO 3166-1 alpha-2 codes, English names, and the other names pages use.

use crate::text::name_key;

/// A country as the API shows it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Country {
    pub code: &'static str,
    pub name: &'static str,
}

/// (code, name, other names). Europe and its neighbours first, then the rest of the world
/// that profiles name as cooperation targets.
const COUNTRIES: &[(&str, &str, &[&str])] = &[
    ("AL", "Albania", &[]),
    ("AD", "Andorra", &[]),
    ("AM", "Armenia", &[]),
    ("AT", "Austria", &[]),
    ("AZ", "Azerbaijan", &[]),
    ("BY", "Belarus", &[]),
    ("BE", "Belgium", &[]),
    (
        "BA",
        "Bosnia and Herzegovina",
        &["Bosnia-Herzegovina", "BiH", "Bosnia"],
    ),
    ("BG", "Bulgaria", &[]),
    ("HR", "Croatia", &[]),
    ("CY", "Cyprus", &[]),
    ("CZ", "Czechia", &["Czech Republic"]),
    ("DK", "Denmark", &[]),
    ("EE", "Estonia", &[]),
    ("FI", "Finland", &[]),
    ("FR", "France", &[]),
    ("GE", "Georgia", &[]),
    ("DE", "Germany", &[]),
    ("GR", "Greece", &[]),
    ("HU", "Hungary", &[]),
    ("IS", "Iceland", &[]),
    ("IE", "Ireland", &[]),
    ("IT", "Italy", &[]),
    ("XK", "Kosovo", &[]),
    ("LV", "Latvia", &[]),
    ("LI", "Liechtenstein", &[]),
    ("LT", "Lithuania", &[]),
    ("LU", "Luxembourg", &[]),
    ("MT", "Malta", &[]),
    ("MD", "Moldova", &["Republic of Moldova"]),
    ("MC", "Monaco", &[]),
    ("ME", "Montenegro", &[]),
    ("NL", "Netherlands", &["The Netherlands", "Holland"]),
    (
        "MK",
        "North Macedonia",
        &[
            "Macedonia",
            "FYR of Macedonia",
            "Former Yugoslav Republic of Macedonia",
            "FYROM",
            "Republic of North Macedonia",
        ],
    ),
    ("NO", "Norway", &[]),
    ("PL", "Poland", &[]),
    ("PT", "Portugal", &[]),
    ("RO", "Romania", &[]),
    ("RU", "Russia", &["Russian Federation"]),
    ("SM", "San Marino", &[]),
    ("RS", "Serbia", &["Republic of Serbia"]),
    ("SK", "Slovakia", &["Slovak Republic"]),
    ("SI", "Slovenia", &[]),
    ("ES", "Spain", &[]),
    ("SE", "Sweden", &[]),
    ("CH", "Switzerland", &[]),
    ("TR", "Turkey", &["Türkiye", "Turkiye"]),
    ("UA", "Ukraine", &[]),
    (
        "GB",
        "United Kingdom",
        &["UK", "Great Britain", "England", "Scotland", "Wales"],
    ),
    ("VA", "Vatican City", &["Holy See"]),
    ("DZ", "Algeria", &[]),
    ("AR", "Argentina", &[]),
    ("AU", "Australia", &[]),
    ("BR", "Brazil", &[]),
    ("CA", "Canada", &[]),
    ("CL", "Chile", &[]),
    ("CN", "China", &["People's Republic of China"]),
    ("CO", "Colombia", &[]),
    ("EG", "Egypt", &[]),
    ("IN", "India", &[]),
    ("ID", "Indonesia", &[]),
    ("IR", "Iran", &[]),
    ("IL", "Israel", &[]),
    ("JP", "Japan", &[]),
    ("JO", "Jordan", &[]),
    ("KZ", "Kazakhstan", &[]),
    ("KE", "Kenya", &[]),
    ("KR", "South Korea", &["Korea", "Republic of Korea"]),
    ("LB", "Lebanon", &[]),
    ("MY", "Malaysia", &[]),
    ("MX", "Mexico", &[]),
    ("MA", "Morocco", &[]),
    ("NZ", "New Zealand", &[]),
    ("NG", "Nigeria", &[]),
    ("PE", "Peru", &[]),
    ("PH", "Philippines", &[]),
    ("QA", "Qatar", &[]),
    ("SA", "Saudi Arabia", &[]),
    ("SG", "Singapore", &[]),
    ("ZA", "South Africa", &[]),
    ("TW", "Taiwan", &[]),
    ("TH", "Thailand", &[]),
    ("TN", "Tunisia", &[]),
    ("AE", "United Arab Emirates", &["UAE"]),
    (
        "US",
        "United States",
        &["USA", "United States of America", "US"],
    ),
    ("VN", "Vietnam", &["Viet Nam"]),
];

/// The country with this ISO code (any case).
pub fn by_code(code: &str) -> Option<Country> {
    COUNTRIES
        .iter()
        .find(|(c, _, _)| c.eq_ignore_ascii_case(code))
        .map(|&(code, name, _)| Country { code, name })
}

/// The country a page means by `name`, in any of its spellings.
pub fn by_name(name: &str) -> Option<Country> {
    let key = name_key(name);
    COUNTRIES
        .iter()
        .find(|(_, n, aliases)| name_key(n) == key || aliases.iter().any(|a| name_key(a) == key))
        .map(|&(code, name, _)| Country { code, name })
}

/// Every known country, for the generator.
pub fn all() -> impl Iterator<Item = Country> {
    COUNTRIES
        .iter()
        .map(|&(code, name, _)| Country { code, name })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn macedonia_has_one_code_under_all_its_names() {
        for name in [
            "Macedonia",
            "FYR of Macedonia",
            "Former Yugoslav Republic of Macedonia",
            "North Macedonia",
        ] {
            assert_eq!(by_name(name).map(|c| c.code), Some("MK"), "{name}");
        }
    }

    #[test]
    fn codes_are_case_insensitive_and_unknown_ones_are_none() {
        assert_eq!(by_code("rs").map(|c| c.name), Some("Serbia"));
        assert_eq!(by_code("QQ"), None);
        assert_eq!(by_name("Atlantis"), None);
    }
}
