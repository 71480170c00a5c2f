//! AWS's Price List as recorded: a small HTTP server on 127.0.0.1 that answers GetProducts
//! from recordings (`stackgen prices refresh --record`'s files) so `prices refresh` runs its
//! real SDK client against it. The emulator (moto) has no Price List API.
//!
//! It is strict: a request whose service code and filters match no recording gets the
//! service's own `InvalidParameterException`, naming the filters, so a refresh that asks for
//! something else than what was recorded fails instead of reading an empty answer. Pages are
//! served with `NextToken`s as AWS pages them. Wire format: the awsJson1_1 protocol, target
//! `AWSPriceListService.GetProducts`
//! (<https://docs.aws.amazon.com/aws-cost-management/latest/APIReference/API_pricing_GetProducts.html>).

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::sync::{Arc, Mutex};

use serde_json::{Value, json};

/// The server's address and the requests it was asked.
pub struct Replay {
    pub endpoint: String,
    pub asked: Arc<Mutex<Vec<Value>>>,
}

/// Serves every recording under `dir` until the test process ends.
pub fn serve(dir: &Path) -> Replay {
    let mut recordings = BTreeMap::new();
    load(dir, &mut recordings);
    let listener = match TcpListener::bind("127.0.0.1:0") {
        Ok(l) => l,
        Err(e) => panic!("cannot listen on 127.0.0.1: {e}"),
    };
    let endpoint = match listener.local_addr() {
        Ok(a) => format!("http://{a}"),
        Err(e) => panic!("no address: {e}"),
    };
    let asked = Arc::new(Mutex::new(Vec::new()));
    let log = Arc::clone(&asked);
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            answer(stream, &recordings, &log);
        }
    });
    Replay { endpoint, asked }
}

/// Recordings by their request (service code and sorted filters).
fn load(dir: &Path, into: &mut BTreeMap<String, Vec<Value>>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        panic!("no recordings in {}", dir.display());
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            load(&path, into);
        } else if path.extension().is_some_and(|e| e == "json") {
            let text = std::fs::read_to_string(&path).unwrap_or_default();
            let Ok(rec) = serde_json::from_str::<Value>(&text) else {
                panic!("{} is not JSON", path.display());
            };
            if rec.get("request").is_none() {
                continue; // the table the tests refresh, not a recording
            }
            let pages = rec["pages"].as_array().cloned().unwrap_or_default();
            if into.insert(key(&rec["request"]), pages).is_some() {
                panic!(
                    "{} records a request another file records too",
                    path.display()
                );
            }
        }
    }
}

fn key(request: &Value) -> String {
    let mut filters: Vec<String> = request["Filters"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|f| format!("{}:{}={}", f["Type"], f["Field"], f["Value"]))
        .collect();
    filters.sort();
    format!("{} {}", request["ServiceCode"], filters.join(" "))
}

fn answer(stream: TcpStream, recordings: &BTreeMap<String, Vec<Value>>, log: &Mutex<Vec<Value>>) {
    let mut reader = BufReader::new(&stream);
    let mut length = 0usize;
    let mut target = String::new();
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 {
            return;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        let lower = line.to_ascii_lowercase();
        if let Some(v) = lower.strip_prefix("content-length:") {
            length = v.trim().parse().unwrap_or(0);
        }
        if let Some(v) = lower.strip_prefix("x-amz-target:") {
            target = v.trim().to_string();
        }
    }
    let mut body = vec![0; length];
    if reader.read_exact(&mut body).is_err() {
        return;
    }
    let request: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    if let Ok(mut log) = log.lock() {
        log.push(request.clone());
    }
    let (status, reply) = if target != "awspricelistservice.getproducts" {
        (
            400,
            error(
                "UnknownOperationException",
                &format!("not GetProducts: {target}"),
            ),
        )
    } else if request["FormatVersion"] != "aws_v1" {
        (
            400,
            error("InvalidParameterException", "FormatVersion must be aws_v1"),
        )
    } else {
        page(&request, recordings)
    };
    let text = reply.to_string();
    let _ = write!(
        &stream,
        "HTTP/1.1 {status} {}\r\nContent-Type: application/x-amz-json-1.1\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{text}",
        if status == 200 { "OK" } else { "Bad Request" },
        text.len()
    );
}

fn page(request: &Value, recordings: &BTreeMap<String, Vec<Value>>) -> (u16, Value) {
    let k = key(request);
    let Some(pages) = recordings.get(&k) else {
        return (
            400,
            error(
                "InvalidParameterException",
                &format!("no recording for {k}"),
            ),
        );
    };
    let n: usize = match request.get("NextToken").and_then(Value::as_str) {
        None => 0,
        Some(token) => match token.strip_prefix("page-").and_then(|t| t.parse().ok()) {
            Some(n) if n < pages.len() => n,
            _ => {
                return (
                    400,
                    error(
                        "InvalidNextTokenException",
                        &format!("unknown NextToken {token}"),
                    ),
                );
            }
        },
    };
    let mut reply = json!({
        "FormatVersion": "aws_v1",
        "PriceList": pages.get(n).cloned().unwrap_or_else(|| json!([])),
    });
    if n + 1 < pages.len() {
        reply["NextToken"] = json!(format!("page-{}", n + 1));
    }
    (200, reply)
}

fn error(kind: &str, message: &str) -> Value {
    json!({ "__type": kind, "Message": message })
}
