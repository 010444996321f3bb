//! The `spanlab` binary (the command line comes with the next commit).

fn main() {}
