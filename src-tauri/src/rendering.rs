//! How WebKitGTK paints the page (Linux), chosen once, before any thread
//! or webview exists.
//!
//! WebKitGTK paints with Skia on the GPU whenever OpenGL is available. On a
//! machine with no usable GPU (no DRM render node it can open: a kiosk PC
//! without a graphics driver, a virtual machine, Xvfb in CI) Mesa still
//! offers OpenGL, emulated on the CPU (llvmpipe), and Skia would paint
//! through that emulation. There the app asks WebKit for Skia's own CPU
//! painting (`WEBKIT_SKIA_ENABLE_CPU_RENDERING=1`, read by the web process,
//! which inherits the app's environment). Measured on this project's machine
//! (README, "App performance"): the web process holds ~146 MiB instead of
//! ~186 after the start, and grows by ~20 MiB instead of ~34 over 500 member
//! sessions. With a GPU, WebKit's own choice stands, and a value already set
//! in the environment (by an administrator) is never changed.
//!
//! `borne-hello`, the bench's bare window, makes the same choice, so that
//! the two are compared on the same renderer.

use std::path::Path;

/// The WebKitGTK variable that turns Skia's CPU painting on.
const CPU_PAINTING_VAR: &str = "WEBKIT_SKIA_ENABLE_CPU_RENDERING";

/// Where Linux lists the GPUs' device nodes.
const DRI_DIR: &str = "/dev/dri";

/// How the page is painted, and why.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Painting {
    /// `WEBKIT_SKIA_ENABLE_CPU_RENDERING` was already set: left as it is.
    SetByEnvironment,
    /// A GPU is usable: WebKit decides (GPU painting).
    WebKitDefault,
    /// No usable GPU: Skia's CPU painting was asked for.
    CpuNoGpu,
    /// Not Linux: the platform's webview decides.
    NotWebKitGtk,
}

/// The decision, from what the machine offers.
fn decide(already_set: bool, usable_gpu: bool) -> Painting {
    if already_set {
        Painting::SetByEnvironment
    } else if usable_gpu {
        Painting::WebKitDefault
    } else {
        Painting::CpuNoGpu
    }
}

/// Whether `dir` holds a render node (`renderD*`) this process can open for
/// reading and writing, as Mesa must to use that GPU.
fn has_usable_render_node(dir: &Path) -> bool {
    let Ok(entries) = std::fs::read_dir(dir) else { return false };
    entries.flatten().any(|entry| {
        entry.file_name().to_string_lossy().starts_with("renderD")
            && std::fs::OpenOptions::new().read(true).write(true).open(entry.path()).is_ok()
    })
}

/// Chooses the painting and sets `WEBKIT_SKIA_ENABLE_CPU_RENDERING` when
/// needed. Call it first in `main`: it changes the process's environment,
/// which is only sound while a single thread runs.
pub fn choose() -> Painting {
    if !cfg!(target_os = "linux") {
        return Painting::NotWebKitGtk;
    }
    let painting = decide(std::env::var_os(CPU_PAINTING_VAR).is_some(), has_usable_render_node(Path::new(DRI_DIR)));
    if painting == Painting::CpuNoGpu {
        std::env::set_var(CPU_PAINTING_VAR, "1");
    }
    painting
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn without_a_gpu_the_cpu_paints_unless_the_environment_already_says() {
        assert_eq!(decide(false, false), Painting::CpuNoGpu);
        assert_eq!(decide(false, true), Painting::WebKitDefault);
        assert_eq!(decide(true, false), Painting::SetByEnvironment);
        assert_eq!(decide(true, true), Painting::SetByEnvironment);
    }

    #[test]
    fn a_gpu_is_a_render_node_that_opens_not_a_card_node_or_nothing() {
        let dir = tempfile::tempdir().unwrap();
        assert!(!has_usable_render_node(&dir.path().join("absent")), "no /dev/dri at all");
        assert!(!has_usable_render_node(dir.path()), "an empty /dev/dri");
        std::fs::write(dir.path().join("card0"), b"").unwrap();
        assert!(!has_usable_render_node(dir.path()), "a display node alone is not a render node");
        std::fs::create_dir(dir.path().join("renderD128")).unwrap();
        assert!(!has_usable_render_node(dir.path()), "a render node that cannot be opened for writing");
        std::fs::remove_dir(dir.path().join("renderD128")).unwrap();
        std::fs::write(dir.path().join("renderD128"), b"").unwrap();
        assert!(has_usable_render_node(dir.path()));
    }
}
