//! What Linux says of a process tree: its members (`/proc/PID/task/*/children`,
//! recursively), their proportional and resident memory (`smaps_rollup`) and
//! their CPU time (`stat`), and how to end them all.

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};
use std::process::Child;
use std::time::{Duration, Instant};

/// The direct children of every thread of `pid`.
pub fn children(pid: u32) -> Vec<u32> {
    let mut out = Vec::new();
    let Ok(tasks) = std::fs::read_dir(format!("/proc/{pid}/task")) else { return out };
    for task in tasks.flatten() {
        if let Ok(list) = std::fs::read_to_string(task.path().join("children")) {
            out.extend(list.split_whitespace().filter_map(|p| p.parse::<u32>().ok()));
        }
    }
    out
}

/// `root` and all its descendants alive now, root first.
pub fn tree(root: u32) -> Vec<u32> {
    let mut seen = HashSet::new();
    let mut order = Vec::new();
    let mut queue = vec![root];
    while let Some(pid) = queue.pop() {
        if !seen.insert(pid) || !Path::new(&format!("/proc/{pid}")).exists() {
            continue;
        }
        order.push(pid);
        queue.extend(children(pid));
    }
    order
}

pub fn comm(pid: u32) -> String {
    std::fs::read_to_string(format!("/proc/{pid}/comm")).map(|s| s.trim().to_owned()).unwrap_or_else(|_| "?".into())
}

pub fn exe(pid: u32) -> Option<PathBuf> {
    std::fs::read_link(format!("/proc/{pid}/exe")).ok()
}

/// Memory of one process, in KiB.
#[derive(Clone, Debug)]
pub struct ProcMem {
    pub name: String,
    pub rss_kib: u64,
    pub pss_kib: u64,
}

/// Memory of a process tree at one moment.
#[derive(Clone, Debug, Default)]
pub struct TreeMem {
    pub procs: Vec<ProcMem>,
}

impl TreeMem {
    pub fn pss_kib(&self) -> u64 {
        self.procs.iter().map(|p| p.pss_kib).sum()
    }

    pub fn rss_kib(&self) -> u64 {
        self.procs.iter().map(|p| p.rss_kib).sum()
    }

    /// PSS and RSS summed by process name (e.g. the two `WebKitWebProcess`
    /// of a window with a service worker), largest PSS first.
    pub fn by_name(&self) -> Vec<(String, usize, u64, u64)> {
        let mut map: BTreeMap<String, (usize, u64, u64)> = BTreeMap::new();
        for p in &self.procs {
            let e = map.entry(p.name.clone()).or_default();
            e.0 += 1;
            e.1 += p.pss_kib;
            e.2 += p.rss_kib;
        }
        let mut v: Vec<_> = map.into_iter().map(|(n, (c, pss, rss))| (n, c, pss, rss)).collect();
        v.sort_by_key(|e| std::cmp::Reverse(e.2));
        v
    }
}

fn parse_rollup(text: &str) -> Option<(u64, u64)> {
    let field = |name: &str| -> Option<u64> {
        let line = text.lines().find(|l| l.starts_with(name))?;
        line[name.len()..].split_whitespace().next()?.parse().ok()
    };
    Some((field("Rss:")?, field("Pss:")?))
}

pub fn proc_mem(pid: u32) -> Option<ProcMem> {
    let text = std::fs::read_to_string(format!("/proc/{pid}/smaps_rollup")).ok()?;
    let (rss_kib, pss_kib) = parse_rollup(&text)?;
    Some(ProcMem { name: comm(pid), rss_kib, pss_kib })
}

/// PSS and RSS of `root` and every descendant.
pub fn tree_mem(root: u32) -> TreeMem {
    TreeMem { procs: tree(root).into_iter().filter_map(proc_mem).collect() }
}

fn clock_tick() -> u64 {
    // SAFETY: sysconf only reads a system constant.
    let ticks = unsafe { libc::sysconf(libc::_SC_CLK_TCK) };
    u64::try_from(ticks).ok().filter(|&t| t > 0).unwrap_or(100)
}

/// utime + stime of a `stat` line (fields 14 and 15, counted after the
/// parenthesised name, which may hold spaces).
fn stat_cpu(stat: &str, tick: u64) -> Option<Duration> {
    let after_name = stat.rsplit_once(')')?.1;
    let fields: Vec<&str> = after_name.split_whitespace().collect();
    let total = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    Some(Duration::from_micros(total * 1_000_000 / tick))
}

/// CPU time (user + system) of each process of the tree, with its name.
pub fn tree_cpu(root: u32) -> BTreeMap<u32, (String, Duration)> {
    let tick = clock_tick();
    tree(root)
        .into_iter()
        .filter_map(|pid| {
            let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
            Some((pid, (comm(pid), stat_cpu(&stat, tick)?)))
        })
        .collect()
}

/// CPU time each process name took between two readings (processes in the
/// second one; one that started in between counts from zero).
pub fn cpu_between(before: &BTreeMap<u32, (String, Duration)>, after: &BTreeMap<u32, (String, Duration)>) -> Vec<(String, Duration)> {
    let mut by_name: BTreeMap<String, Duration> = BTreeMap::new();
    for (pid, (name, now)) in after {
        let then = before.get(pid).map_or(Duration::ZERO, |(_, d)| *d);
        *by_name.entry(name.clone()).or_default() += now.saturating_sub(then);
    }
    let mut v: Vec<_> = by_name.into_iter().collect();
    v.sort_by_key(|e| std::cmp::Reverse(e.1));
    v
}

fn alive(pid: u32) -> bool {
    // A zombie still has /proc/PID: look at its state.
    std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .ok()
        .and_then(|s| s.rsplit_once(')').map(|(_, rest)| !rest.trim_start().starts_with('Z')))
        .unwrap_or(false)
}

/// A child started in its own process group; on [`Launched::stop`] or drop,
/// the group and every process of its tree get SIGTERM, then SIGKILL.
pub struct Launched {
    pub child: Child,
    stopped: bool,
}

impl Launched {
    pub fn spawn(cmd: &mut std::process::Command) -> std::io::Result<Launched> {
        use std::os::unix::process::CommandExt;
        cmd.process_group(0);
        Ok(Launched { child: cmd.spawn()?, stopped: false })
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    pub fn stop(&mut self) {
        if self.stopped {
            return;
        }
        self.stopped = true;
        let pid = self.pid();
        // Processes of the tree that left the group (e.g. a sandbox's
        // setsid) are signalled one by one.
        let members = tree(pid);
        let signal_all = |sig: i32| {
            // SAFETY: kill(2) with a pid/pgid we started.
            unsafe { libc::kill(-(pid as i32), sig) };
            for &p in &members {
                if p != pid && alive(p) {
                    unsafe { libc::kill(p as i32, sig) };
                }
            }
        };
        signal_all(libc::SIGTERM);
        let deadline = Instant::now() + Duration::from_secs(3);
        while Instant::now() < deadline {
            let _ = self.child.try_wait();
            if members.iter().all(|&p| !alive(p)) {
                break;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        signal_all(libc::SIGKILL);
        let _ = self.child.wait();
    }
}

impl Drop for Launched {
    fn drop(&mut self) {
        self.stop();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_rss_and_pss_of_a_rollup() {
        let text = "55d0-7ff0 ---p 00000000 00:00 0   [rollup]\nRss:              441856 kB\nPss:              265412 kB\nPss_Dirty:         90000 kB\n";
        assert_eq!(parse_rollup(text), Some((441_856, 265_412)));
    }

    #[test]
    fn reads_a_stat_line_whose_name_has_spaces_and_parens() {
        let line = "4242 (WebKit (w) x) S 1 4242 4242 0 -1 4194560 1234 0 0 0 250 75 0 0 20 0 3 0 100 0 0";
        assert_eq!(stat_cpu(line, 100), Some(Duration::from_millis(3250)));
    }

    #[test]
    fn sees_a_child_and_its_child_and_stops_them() {
        let mut launched = Launched::spawn(std::process::Command::new("sh").args(["-c", "sleep 30 & sleep 30"])).unwrap();
        let deadline = Instant::now() + Duration::from_secs(5);
        while tree(launched.pid()).len() < 3 && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(20));
        }
        let members = tree(launched.pid());
        assert_eq!(members.len(), 3, "sh and its two sleeps");
        assert!(tree_mem(launched.pid()).pss_kib() > 0);
        assert_eq!(tree_cpu(launched.pid()).len(), 3);
        launched.stop();
        assert!(members.iter().all(|&p| !alive(p)));
    }
}
