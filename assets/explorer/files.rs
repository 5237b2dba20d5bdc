//! Written by explorer/build.sh: the Explorer's built files, by path below
//! assets/explorer/, for src/http/explorer.rs.

pub static FILES: &[(&str, &[u8])] = &[
    (
        "assets/Map-Bj3lSytJ.js",
        include_bytes!("assets/Map-Bj3lSytJ.js"),
    ),
    (
        "assets/index-BiDVHK61.css",
        include_bytes!("assets/index-BiDVHK61.css"),
    ),
    (
        "assets/index-CGFoE9Dw.js",
        include_bytes!("assets/index-CGFoE9Dw.js"),
    ),
    ("index.html", include_bytes!("index.html")),
];
