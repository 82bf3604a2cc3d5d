// A release build embeds content/ at compile time: rebuild when a file there
// changes, is added or is removed (a debug build reads the files at run time).
fn main() {
    println!("cargo:rerun-if-changed=../../content");
}
