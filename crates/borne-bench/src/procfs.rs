//! What Linux says of this process: resident memory and CPU time, per thread.

use std::collections::HashMap;
use std::time::Duration;

/// Resident memory, in KiB (`/proc/self/status`).
#[derive(Clone, Copy, Debug)]
pub struct Memory {
    pub rss_kib: u64,
    /// Peak resident memory since start or since [`reset_peak`].
    pub peak_kib: u64,
}

pub fn memory() -> anyhow::Result<Memory> {
    let status = std::fs::read_to_string("/proc/self/status")?;
    parse_memory(&status).ok_or_else(|| anyhow::anyhow!("/proc/self/status has no VmRSS/VmHWM"))
}

fn parse_memory(status: &str) -> Option<Memory> {
    let field = |name: &str| -> Option<u64> {
        let line = status.lines().find(|l| l.starts_with(name))?;
        line[name.len()..].split_whitespace().next()?.parse().ok()
    };
    Some(Memory { rss_kib: field("VmRSS:")?, peak_kib: field("VmHWM:")? })
}

/// Resets the peak (VmHWM) to the current RSS, so that the next reading is
/// the peak of what runs in between. False where the kernel refuses.
pub fn reset_peak() -> bool {
    std::fs::write("/proc/self/clear_refs", "5").is_ok()
}

/// CPU time of the whole process (user + system), exited threads included,
/// and of each live thread by id, with its name, split into user and
/// system (kernel: syscalls, the loopback network, page faults).
pub struct CpuTimes {
    pub process: Duration,
    pub threads: HashMap<u32, (String, Split)>,
}

/// CPU time in user space and in the kernel.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Split {
    pub user: Duration,
    pub system: Duration,
}

impl Split {
    pub fn total(&self) -> Duration {
        self.user + self.system
    }

    fn since(&self, earlier: &Split) -> Split {
        Split { user: self.user.saturating_sub(earlier.user), system: self.system.saturating_sub(earlier.system) }
    }

    fn add(&mut self, other: Split) {
        self.user += other.user;
        self.system += other.system;
    }
}

impl CpuTimes {
    pub fn now() -> anyhow::Result<CpuTimes> {
        let tick = clock_tick();
        let process = stat_cpu(&std::fs::read_to_string("/proc/self/stat")?, tick)?.total();
        let threads = tasks("/proc/self/task", |_| true)?;
        Ok(CpuTimes { process, threads })
    }

    /// CPU time spent since `earlier` by the threads whose name starts with
    /// `prefix` (threads alive at both readings).
    pub fn threads_since(&self, earlier: &CpuTimes, prefix: &str) -> Duration {
        self.by_group_since(earlier).into_iter().filter(|(group, _)| group.starts_with(prefix)).map(|(_, cpu)| cpu.total()).sum()
    }

    /// CPU time spent since `earlier` by the live threads, summed by group:
    /// the thread name without a trailing number (`sqlx-sqlite-worker-0`
    /// and `-1` together).
    pub fn by_group_since(&self, earlier: &CpuTimes) -> HashMap<String, Split> {
        let mut groups: HashMap<String, Split> = HashMap::new();
        for (tid, (name, now)) in &self.threads {
            let then = earlier.threads.get(tid).map_or_else(Split::default, |(_, then)| *then);
            groups.entry(thread_group(name).to_owned()).or_default().add(now.since(&then));
        }
        groups
    }
}

/// A thread's name without its trailing number and separator.
fn thread_group(name: &str) -> &str {
    name.trim_end_matches(|c: char| c.is_ascii_digit()).trim_end_matches(['-', '_', ' '])
}

/// CPU time (user + system) of the other processes of the machine whose
/// name is `name` (e.g. the `postgres` server's backends), by process id.
pub fn processes_named(name: &str) -> anyhow::Result<HashMap<u32, Duration>> {
    let own = std::process::id();
    let found = tasks("/proc", |(pid, comm)| pid != own && comm == name)?;
    Ok(found.into_iter().map(|(pid, (_, cpu))| (pid, cpu.total())).collect())
}

/// The numbered entries of `dir` (processes of `/proc`, threads of a
/// `task` directory) that `keep` (id, name) accepts: their name and CPU time.
fn tasks(dir: &str, keep: impl Fn((u32, &str)) -> bool) -> anyhow::Result<HashMap<u32, (String, Split)>> {
    let tick = clock_tick();
    let mut found = HashMap::new();
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let Some(id) = entry.file_name().to_str().and_then(|s| s.parse::<u32>().ok()) else { continue };
        // A task may end between the listing and the reads.
        let (Ok(comm), Ok(stat)) = (std::fs::read_to_string(entry.path().join("comm")), std::fs::read_to_string(entry.path().join("stat"))) else {
            continue;
        };
        let comm = comm.trim();
        if keep((id, comm)) {
            found.insert(id, (comm.to_owned(), stat_cpu(&stat, tick)?));
        }
    }
    Ok(found)
}

/// CPU time the processes of `now` took since `earlier` (a process that
/// started meanwhile counts from zero).
pub fn processes_since(now: &HashMap<u32, Duration>, earlier: &HashMap<u32, Duration>) -> Duration {
    now.iter().map(|(pid, cpu)| cpu.saturating_sub(earlier.get(pid).copied().unwrap_or_default())).sum()
}

/// Busy CPU time of the whole machine, every process and core together
/// (`/proc/stat`: all but idle and iowait), to see what else ran meanwhile.
pub fn machine_busy() -> anyhow::Result<Duration> {
    machine_busy_of(&std::fs::read_to_string("/proc/stat")?, clock_tick())
}

/// Time the whole machine spent in hardware and software interrupts
/// (`/proc/stat`: irq + softirq; loopback packets are received in softirq).
pub fn machine_interrupts() -> anyhow::Result<Duration> {
    let stat = std::fs::read_to_string("/proc/stat")?;
    let ticks = cpu_line(&stat)?;
    Ok(Duration::from_micros((ticks.get(5).copied().unwrap_or(0) + ticks.get(6).copied().unwrap_or(0)) * 1_000_000 / clock_tick()))
}

fn cpu_line(stat: &str) -> anyhow::Result<Vec<u64>> {
    let line = stat.lines().find(|l| l.starts_with("cpu ")).ok_or_else(|| anyhow::anyhow!("/proc/stat has no cpu line"))?;
    Ok(line.split_whitespace().skip(1).map(str::parse).collect::<Result<_, _>>()?)
}

fn machine_busy_of(stat: &str, tick: u64) -> anyhow::Result<Duration> {
    let ticks = cpu_line(stat)?;
    // user nice system idle iowait irq softirq steal (guest times are already in user).
    let busy: u64 = ticks.iter().take(8).enumerate().filter(|(i, _)| *i != 3 && *i != 4).map(|(_, t)| t).sum();
    Ok(Duration::from_micros(busy * 1_000_000 / tick))
}

fn clock_tick() -> u64 {
    // SAFETY: sysconf only reads a system constant.
    let ticks = unsafe { libc::sysconf(libc::_SC_CLK_TCK) };
    u64::try_from(ticks).ok().filter(|&t| t > 0).unwrap_or(100)
}

/// utime and stime of a `stat` line (fields 14 and 15; the name, field 2, is
/// in parentheses and may hold spaces, so count from the last `)`).
fn stat_cpu(stat: &str, tick: u64) -> anyhow::Result<Split> {
    let after_name = stat.rsplit_once(')').map(|(_, rest)| rest).ok_or_else(|| anyhow::anyhow!("unreadable stat line"))?;
    let fields: Vec<&str> = after_name.split_whitespace().collect();
    let ticks = |i: usize| -> anyhow::Result<u64> { Ok(fields.get(i).ok_or_else(|| anyhow::anyhow!("short stat line"))?.parse()?) };
    let time = |t: u64| Duration::from_micros(t * 1_000_000 / tick);
    Ok(Split { user: time(ticks(11)?), system: time(ticks(12)?) })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_stat_line_whose_name_has_spaces_and_parens() {
        let line = "4242 (tokio (rt) w) S 1 4242 4242 0 -1 4194560 1234 0 0 0 250 75 0 0 20 0 3 0 100 0 0";
        let cpu = stat_cpu(line, 100).unwrap();
        assert_eq!((cpu.user, cpu.system, cpu.total()), (Duration::from_millis(2500), Duration::from_millis(750), Duration::from_millis(3250)));
    }

    #[test]
    fn threads_are_grouped_by_name_without_their_number() {
        assert_eq!(thread_group("sqlx-sqlite-worker-12"), "sqlx-sqlite-worker");
        assert_eq!(thread_group("borne-verify"), "borne-verify");
        assert_eq!(thread_group("bench-load"), "bench-load");
    }

    #[test]
    fn machine_busy_leaves_out_idle_and_iowait() {
        let stat = "cpu  100 5 50 9000 40 3 2 0 0 0\ncpu0 50 2 25 4500 20 1 1 0 0 0\n";
        assert_eq!(machine_busy_of(stat, 100).unwrap(), Duration::from_millis(1600));
    }

    #[test]
    fn reads_rss_and_peak() {
        let status = "Name:\tborne-bench\nVmPeak:\t  900 kB\nVmHWM:\t   51200 kB\nVmRSS:\t   40960 kB\n";
        let m = parse_memory(status).unwrap();
        assert_eq!((m.rss_kib, m.peak_kib), (40960, 51200));
    }

    #[test]
    fn this_process_is_readable() {
        let m = memory().unwrap();
        assert!(m.peak_kib >= m.rss_kib && m.rss_kib > 0);
        let cpu = CpuTimes::now().unwrap();
        assert!(!cpu.threads.is_empty());
    }
}
