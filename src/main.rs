#![forbid(unsafe_code)]

// mimalloc: the page handlers allocate many small strings and maps; glibc's malloc spent a
// quarter of a page's time in the benchmark (bench/RESULTS.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    jobcenter_crm::cli::main()
}
