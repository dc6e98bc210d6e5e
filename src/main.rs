#![forbid(unsafe_code)]

fn main() -> std::process::ExitCode {
    jobcenter_crm::cli::main()
}
