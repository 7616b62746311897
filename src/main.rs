use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    golive::log::uptime_ms();
    // Before anything can print, log or store a probe result.
    golive::mask::hide_environment();
    let cli = golive::cli::args::Cli::parse();
    match golive::cli::run(cli) {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            golive::text::tell(&format!("{e:#}"));
            // 2 is the check gate's "could not decide"; an unusable input is that too.
            ExitCode::from(2)
        }
    }
}
