//! Compiles the built-in decks (every `decks/*.ron` but the roadmap) into the binary,
//! so `recall review` works from any directory with nothing set up.

use std::fmt::Write as _;
use std::path::Path;
use std::{env, fs};

fn main() {
    println!("cargo:rerun-if-changed=decks");
    let dir = Path::new(&env::var("CARGO_MANIFEST_DIR").unwrap_or_else(|_| ".".into())).join("decks");
    let mut names: Vec<String> = fs::read_dir(&dir)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| n.ends_with(".ron") && n != "roadmap.ron")
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    let mut code =
        String::from("/// The built-in decks: (file name, text).\npub const BUILTIN_DECKS: &[(&str, &str)] = &[\n");
    for name in &names {
        println!("cargo:rerun-if-changed=decks/{name}");
        let path = dir.join(name);
        let _ = writeln!(code, "    ({name:?}, include_str!({:?})),", path.display().to_string());
    }
    code.push_str("];\n");
    let out = Path::new(&env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("builtin_decks.rs");
    fs::write(out, code).expect("OUT_DIR is writable");
}
