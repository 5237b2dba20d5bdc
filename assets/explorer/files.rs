//! Written by explorer/build.sh: the Explorer's built files, by path below
//! assets/explorer/, for src/http/explorer.rs.

pub static FILES: &[(&str, &[u8])] = &[
    (
        "assets/Map-O3ermSJ1.js",
        include_bytes!("assets/Map-O3ermSJ1.js"),
    ),
    (
        "assets/index-BiDVHK61.css",
        include_bytes!("assets/index-BiDVHK61.css"),
    ),
    (
        "assets/index-CKiS8XNV.js",
        include_bytes!("assets/index-CKiS8XNV.js"),
    ),
    ("index.html", include_bytes!("index.html")),
];
