//! Written by explorer/build.sh: the Explorer's built files, by path below
//! assets/explorer/, for src/http/explorer.rs.

pub static FILES: &[(&str, &[u8])] = &[
    (
        "assets/Map-D9EVYOZo.js",
        include_bytes!("assets/Map-D9EVYOZo.js"),
    ),
    (
        "assets/index-BVqumP5m.js",
        include_bytes!("assets/index-BVqumP5m.js"),
    ),
    (
        "assets/index-BiDVHK61.css",
        include_bytes!("assets/index-BiDVHK61.css"),
    ),
    ("index.html", include_bytes!("index.html")),
];
