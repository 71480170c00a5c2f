//! The `cart` Lambda function (see `retail_functions::cart`).

use retail_functions::cart::Cart;
use retail_functions::runtime;

fn main() -> std::process::ExitCode {
    runtime::http(&retail_spec::CART, Cart::new, |app, req| app.handle(req))
}
