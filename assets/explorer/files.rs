//! Written by explorer/build.sh: the Explorer's built files, by path below
//! assets/explorer/, for src/http/explorer.rs.

pub static FILES: &[(&str, &[u8])] = &[
    (
        "assets/Map-Dw01nVAS.js",
        include_bytes!("assets/Map-Dw01nVAS.js"),
    ),
    (
        "assets/index-BiDVHK61.css",
        include_bytes!("assets/index-BiDVHK61.css"),
    ),
    (
        "assets/index-DCjyy_W3.js",
        include_bytes!("assets/index-DCjyy_W3.js"),
    ),
    ("index.html", include_bytes!("index.html")),
];
