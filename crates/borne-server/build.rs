// sqlx::migrate! embeds the migration files at compile time: rebuild when
// they change (cargo does not watch directories read by proc-macros).
fn main() {
    println!("cargo:rerun-if-changed=migrations");
}
