//! The image function's work on one phone photo, for `make bench` (scripts/bench-images.sh).
//!
//! `resize_bench make FILE` writes a 12-megapixel (4,032 × 3,024) JPEG of a photo-like scene
//! (gradients and texture, so it compresses as a camera's JPEG does, at quality 90).
//! `resize_bench run FILE` checks, decodes and renders it as the function does
//! (`images::picture::render`) and prints `seconds=<wall time> peak_kib=<VmHWM>`: run once per
//! process, the peak resident memory is what one invocation needs, which is how the function's
//! memory size is chosen.

use image::codecs::jpeg::JpegEncoder;
use image::{Rgb, RgbImage};
use retail_functions::images::picture::{self, PhotoLimits};
use std::process::ExitCode;
use std::time::Instant;

const WIDTH: u32 = 4032;
const HEIGHT: u32 = 3024;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().collect();
    match (args.get(1).map(String::as_str), args.get(2)) {
        (Some("make"), Some(path)) => make(path),
        (Some("run"), Some(path)) => run(path),
        _ => {
            eprintln!("usage: resize_bench make FILE | resize_bench run FILE");
            ExitCode::from(2)
        }
    }
}

fn make(path: &str) -> ExitCode {
    let img = RgbImage::from_fn(WIDTH, HEIGHT, |x, y| {
        // A lit sphere-ish blob on a gradient, with a little deterministic grain.
        let (fx, fy) = (x as f32 / WIDTH as f32, y as f32 / HEIGHT as f32);
        let d = ((fx - 0.5).powi(2) + (fy - 0.5).powi(2)).sqrt();
        let grain = ((x.wrapping_mul(2_654_435_761) ^ y.wrapping_mul(40_503)) % 17) as f32;
        let base = if d < 0.3 {
            [200.0 - 300.0 * d, 40.0 + 60.0 * fy, 40.0]
        } else {
            [240.0 - 40.0 * fy, 230.0 - 50.0 * fy, 210.0 - 60.0 * fx]
        };
        Rgb(base.map(|c| (c + grain).clamp(0.0, 255.0) as u8))
    });
    let mut out = Vec::new();
    if let Err(e) = JpegEncoder::new_with_quality(&mut out, 90).encode_image(&img) {
        eprintln!("encoding failed: {e}");
        return ExitCode::FAILURE;
    }
    match std::fs::write(path, &out) {
        Ok(()) => {
            println!("bytes={}", out.len());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("cannot write {path}: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run(path: &str) -> ExitCode {
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("cannot read {path}: {e}");
            return ExitCode::FAILURE;
        }
    };
    let limits: PhotoLimits = picture::photo_limits(64 * 1024 * 1024);
    let started = Instant::now();
    let out = picture::render(&bytes, "image/jpeg", &limits);
    let seconds = started.elapsed().as_secs_f64();
    match out {
        Ok(sizes) => {
            let total: usize = sizes.iter().map(|s| s.jpeg.len()).sum();
            println!(
                "seconds={seconds:.4} peak_kib={} output_bytes={total}",
                peak_kib()
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("refused: {e}");
            ExitCode::FAILURE
        }
    }
}

/// The process's peak resident set (`VmHWM` in /proc/self/status), KiB.
fn peak_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.split_whitespace().next()?.parse().ok())
        })
        .unwrap_or(0)
}
