fn main() {
    println!("stackgen {}", env!("CARGO_PKG_VERSION"));
}
