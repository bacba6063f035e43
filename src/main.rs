//! In the browser (wasm32) this starts the app; natively it is the `gridcare`
//! command-line tool.

#[cfg(target_arch = "wasm32")]
fn main() {
    gridcare::ui::start();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() -> std::process::ExitCode {
    gridcare::cli::main()
}
