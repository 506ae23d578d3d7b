//! The `supportmesh` binary: parses the command line and hands over to `cli`.
//!
//! It allocates with mimalloc: an answer is built from many small allocations (GraphQL
//! values, strings, futures), and glibc's allocator spent about a fifth of a search's CPU on
//! them (BENCHMARKS.md, "Query load").

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    supportmesh::cli::main()
}
