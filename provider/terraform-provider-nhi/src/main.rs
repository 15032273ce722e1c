//! `terraform-provider-nhi`: started by Terraform, never by hand (except with `--debug`).

use std::process::ExitCode;

use terraform_provider_nhi::{NhiProvider, PROVIDER_ADDRESS};

fn main() -> ExitCode {
    let mut debug = false;
    for arg in std::env::args().skip(1) {
        match arg.as_str() {
            "--debug" => debug = true,
            "--version" | "-v" => {
                println!("terraform-provider-nhi {}", env!("CARGO_PKG_VERSION"));
                return ExitCode::SUCCESS;
            }
            "--help" | "-h" => {
                println!(
                    "terraform-provider-nhi {}\n\nA Terraform provider; Terraform starts it. Options:\n  --debug    serve without Terraform and print TF_REATTACH_PROVIDERS for attaching a debugger\n  --version  print the version",
                    env!("CARGO_PKG_VERSION")
                );
                return ExitCode::SUCCESS;
            }
            other => {
                eprintln!("unknown argument {other:?}; see --help");
                return ExitCode::from(2);
            }
        }
    }
    tfplugin::serve(NhiProvider::new(), tfplugin::ServeOptions { provider_address: PROVIDER_ADDRESS.into(), debug })
}
