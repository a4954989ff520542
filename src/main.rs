use std::process::ExitCode;

use clap::Parser;
use recall::cli::{self, Cli};

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        // A closed pipe (`recall card x | head`) is the reader's choice, not an error.
        Err(e) if e.is_broken_pipe() => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("recall: error: {e}");
            ExitCode::from(e.exit_code())
        }
    }
}
