//! No code: the tests in `tests/` read the workspace's dependency graph
//! (`cargo metadata`) and fail when a crate depends on what ARCHITECTURE.md
//! says it must never depend on.
