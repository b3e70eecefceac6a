//! Compiles the shipped `knowledge/` directory into the binary: every file under it becomes an entry of
//! `BUILTIN_FILES` (path relative to the crate root, contents), so `verbatim ask` works from any directory.

use std::fmt::Write as _;
use std::path::Path;

fn main() {
    println!("cargo:rerun-if-changed=knowledge");
    // Read when the script runs, not baked in when it is compiled: a build script compiled for one checkout
    // may be reused by another that shares the target directory.
    let manifest_dir = std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let root = Path::new(&manifest_dir);
    let mut files = Vec::new();
    collect(&root.join("knowledge"), &mut files);
    files.sort();
    let mut out = String::from(
        "/// The shipped knowledge files and sources: (path relative to the crate root, contents).\npub static BUILTIN_FILES: &[(&str, &str)] = &[\n",
    );
    for file in files {
        let relative = file
            .strip_prefix(root)
            .expect("under the crate root")
            .to_string_lossy()
            .replace('\\', "/");
        println!("cargo:rerun-if-changed={}", file.display());
        writeln!(
            out,
            "    ({relative:?}, include_str!({:?})),",
            file.display().to_string()
        )
        .unwrap();
    }
    out.push_str("];\n");
    let dest = Path::new(&std::env::var("OUT_DIR").unwrap()).join("builtin_knowledge.rs");
    std::fs::write(dest, out).expect("write builtin_knowledge.rs");
}

fn collect(dir: &Path, files: &mut Vec<std::path::PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(&path, files);
        } else if path.extension().is_some_and(|x| x == "toml" || x == "txt") {
            files.push(path);
        }
    }
}
