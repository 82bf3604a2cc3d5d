//! The bench's own X server: Xvfb on the first free display, whatever
//! `DISPLAY` says, so that nothing else draws on it.

use crate::procs::Launched;
use anyhow::{bail, Context, Result};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

pub const SCREEN: &str = "1280x1024x24";

pub struct Display {
    pub name: String,
    _xvfb: Launched,
}

pub fn start() -> Result<Display> {
    for n in 90..300 {
        if Path::new(&format!("/tmp/.X{n}-lock")).exists() || Path::new(&format!("/tmp/.X11-unix/X{n}")).exists() {
            continue;
        }
        let xvfb = Launched::spawn(
            Command::new("Xvfb")
                .args([format!(":{n}").as_str(), "-screen", "0", SCREEN, "-nolisten", "tcp"])
                .stdout(Stdio::null())
                .stderr(Stdio::null()),
        )
        .context("starting Xvfb (package xvfb)")?;
        let socket = format!("/tmp/.X11-unix/X{n}");
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if Path::new(&socket).exists() {
                return Ok(Display { name: format!(":{n}"), _xvfb: xvfb });
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        bail!("Xvfb :{n} did not start");
    }
    bail!("no free X display")
}
