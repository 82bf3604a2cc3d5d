// A release build embeds content/ at compile time: rebuild when a file there
// changes, is added or is removed (debug builds embed them too: debug-embed).
fn main() {
    println!("cargo:rerun-if-changed=../../content");
}
