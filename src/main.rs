#![forbid(unsafe_code)]

// mimalloc: the page handlers allocate many small strings and maps; glibc's malloc spent a
// quarter of a page's time in the benchmark (bench/RESULTS.md). Built without transparent huge
// pages (`no_thp`): with them, a few concurrent overview requests touched whole 2 MB pages and
// the server's peak memory rose from 45 to 115 MB on the large benchmark database.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    jobcenter_crm::cli::main()
}
