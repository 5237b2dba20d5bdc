//! Written by explorer/build.sh: the Explorer's built files, by path below
//! assets/explorer/, for src/http/explorer.rs.

pub static FILES: &[(&str, &[u8])] = &[
    (
        "assets/Map--m9ilBNK.js",
        include_bytes!("assets/Map--m9ilBNK.js"),
    ),
    (
        "assets/index-BiDVHK61.css",
        include_bytes!("assets/index-BiDVHK61.css"),
    ),
    (
        "assets/index-CcLlpjbg.js",
        include_bytes!("assets/index-CcLlpjbg.js"),
    ),
    ("index.html", include_bytes!("index.html")),
];
