//! `verbatim run` on the command line, without a homeserver: configuration errors name the key and line, and
//! exit non-zero before anything touches the network.

use std::process::Command;

fn run(args: &[&str], dir: &std::path::Path) -> (i32, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_verbatim"))
        .args(args)
        .current_dir(dir)
        .env_remove("VERBATIM_CONFIG")
        .env_remove("VERBATIM_PASSWORD")
        .env_remove("VERBATIM_STORE_PASSPHRASE")
        .output()
        .expect("run verbatim");
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[test]
fn a_bad_config_is_reported_with_its_line_and_key() {
    let dir = tempfile::tempdir().unwrap();
    let config = "[matrix]\nhomeserver = \"https://matrix.example.org\"\nuser_id = \"@v:example.org\"\npasswrd = \"x\"\n";
    std::fs::write(dir.path().join("config.toml"), config).unwrap();
    let (code, stderr) = run(&["run"], dir.path());
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("config.toml:4:1: error: `matrix.passwrd`: unknown field `passwrd`"),
        "{stderr}"
    );
}

#[test]
fn the_config_path_comes_from_the_flag_or_the_environment() {
    let dir = tempfile::tempdir().unwrap();
    let (code, stderr) = run(&["run", "--config", "missing.toml"], dir.path());
    assert_eq!(code, 2);
    assert!(
        stderr.contains("cannot read the configuration file missing.toml"),
        "{stderr}"
    );
    let output = Command::new(env!("CARGO_BIN_EXE_verbatim"))
        .arg("run")
        .current_dir(dir.path())
        .env("VERBATIM_CONFIG", "from-env.toml")
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&output.stderr).contains("from-env.toml"));
}

#[test]
fn a_missing_store_passphrase_is_an_error_that_says_how_to_set_it() {
    let dir = tempfile::tempdir().unwrap();
    let config = "[matrix]\nhomeserver = \"http://127.0.0.1:9\"\nuser_id = \"@v:example.org\"\npassword = \"x\"\n";
    std::fs::write(dir.path().join("config.toml"), config).unwrap();
    let (code, stderr) = run(&["run"], dir.path());
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("VERBATIM_STORE_PASSPHRASE"), "{stderr}");
    assert!(!stderr.contains("password = \"x\""));
}
