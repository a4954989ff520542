//! Times `recall review` as a new process, up to the first card on its screen, and
//! reports its peak memory at that moment, the way a learner meets it:
//!
//!     cargo build --release
//!     cargo run --release --example collection -- 100000 /tmp/recall-100k
//!     cargo run --release --example first_card -- /tmp/recall-100k
//!
//! Each round runs recall once without a cache (the `cache/` folder removed: a cold
//! start) and once with the cache that run left (warm), interleaved, and prints the
//! median of each. Options: `--runs N` (default 5), `--bin PATH` (default
//! target/release/recall), `--append N`: before each warm run, append N answers to
//! the log, as a review session would (the cache then replays only those).

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The date the synthetic collections are made as of.
const NOW: &str = "2026-11-24T09:00:00+01:00";

struct Sample {
    time: Duration,
    peak_kib: u64,
}

fn peak_kib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1).and_then(|n| n.parse().ok()))
        })
        .unwrap_or(0)
}

fn first_card(bin: &Path, dir: &Path) -> Sample {
    let started = Instant::now();
    let mut child = Command::new(bin)
        .args(["--data-dir"])
        .arg(dir)
        .arg("review")
        .env("RECALL_NOW", NOW)
        .env("RECALL_CONFIG", dir.join("no-config.ron"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start recall");
    let stdout = child.stdout.take().expect("stdout");
    let mut lines = BufReader::new(stdout).lines();
    // The first card starts with its header line.
    while let Some(Ok(line)) = lines.next() {
        if line.starts_with("── ") {
            break;
        }
    }
    let time = started.elapsed();
    let peak_kib = peak_kib(child.id());
    // End the session as a learner would, so what recall does after the first card
    // (bringing its cache up to date) is done before the next run.
    if let Some(mut stdin) = child.stdin.take() {
        use std::io::Write as _;
        let _ = stdin.write_all(b":quit\n");
    }
    for _ in lines.by_ref() {}
    let _ = child.wait();
    Sample { time, peak_kib }
}

/// Appends `n` answers on the day before the collection's date, as a session would.
fn append_answers(log: &Path, n: usize) {
    use std::io::Write as _;
    let mut file = std::fs::OpenOptions::new().append(true).open(log).expect("log");
    for i in 0..n {
        let line = format!(
            "2026-11-23T20:{:02}:{:02}+01:00\tdeck0/card{}\t4\t3000\treview\n",
            i / 60 % 60,
            i % 60,
            i % 1000
        );
        file.write_all(line.as_bytes()).expect("append");
    }
}

fn median(mut samples: Vec<Sample>) -> (Duration, u64) {
    samples.sort_by_key(|s| s.time);
    let time = samples[samples.len() / 2].time;
    let mut peaks: Vec<u64> = samples.iter().map(|s| s.peak_kib).collect();
    peaks.sort_unstable();
    (time, peaks[peaks.len() / 2])
}

fn main() {
    let mut args = std::env::args().skip(1);
    let mut dir = None;
    let mut runs = 5;
    let mut bin = PathBuf::from("target/release/recall");
    let mut append = 0;
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--runs" => runs = args.next().and_then(|n| n.parse().ok()).unwrap_or(runs),
            "--append" => append = args.next().and_then(|n| n.parse().ok()).unwrap_or(0),
            "--bin" => bin = args.next().map(PathBuf::from).unwrap_or(bin),
            _ => dir = Some(PathBuf::from(arg)),
        }
    }
    let Some(dir) = dir else {
        eprintln!("usage: first_card DATA_DIR [--runs N] [--bin PATH]");
        std::process::exit(2);
    };
    let (mut cold, mut warm) = (Vec::new(), Vec::new());
    for _ in 0..runs {
        let _ = std::fs::remove_dir_all(dir.join("cache"));
        cold.push(first_card(&bin, &dir));
        if append > 0 {
            append_answers(&dir.join("reviews.log"), append);
        }
        warm.push(first_card(&bin, &dir));
    }
    let (cold_time, cold_peak) = median(cold);
    let (warm_time, warm_peak) = median(warm);
    println!(
        "{}: cold {:.0} ms, {:.0} MiB · warm {:.0} ms, {:.0} MiB (medians of {runs})",
        dir.display(),
        cold_time.as_secs_f64() * 1000.0,
        cold_peak as f64 / 1024.0,
        warm_time.as_secs_f64() * 1000.0,
        warm_peak as f64 / 1024.0
    );
}
