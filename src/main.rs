use std::process::ExitCode;

fn main() -> ExitCode {
    golive::log::uptime_ms();
    // Before anything can print, log or store a probe result.
    golive::mask::hide_environment();
    // 0 to 2 are the gate's GO, NO-GO and UNDECIDED: golive failing to run is 3, never one of them.
    let cli = match golive::cli::args::Cli::parse_traced() {
        Ok(cli) => cli,
        Err(e) if !e.use_stderr() => {
            let _ = e.print();
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(golive::cli::FAILED);
        }
    };
    match golive::cli::run(cli) {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            golive::text::tell(&format!("{e:#}"));
            ExitCode::from(golive::cli::FAILED)
        }
    }
}
