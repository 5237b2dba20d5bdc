//! Written by explorer/build.sh: the Explorer's built files, by path below
//! assets/explorer/, for src/http/explorer.rs.

pub static FILES: &[(&str, &[u8])] = &[
    (
        "assets/Map-KWjYulj4.js",
        include_bytes!("assets/Map-KWjYulj4.js"),
    ),
    (
        "assets/index-B7PungfQ.js",
        include_bytes!("assets/index-B7PungfQ.js"),
    ),
    (
        "assets/index-BiDVHK61.css",
        include_bytes!("assets/index-BiDVHK61.css"),
    ),
    ("index.html", include_bytes!("index.html")),
];
