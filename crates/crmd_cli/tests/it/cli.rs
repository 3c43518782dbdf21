use std::io::Read;
use std::net::TcpListener;
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

fn crmd(args: &[&str], data: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_crmd"))
        .args(args)
        .arg("--data")
        .arg(data)
        .env_remove("CRMD_CONFIG")
        .output()
        .expect("crmd runs")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .expect("test setup")
        .local_addr()
        .expect("test setup")
        .port()
}

/// A running `crmd serve`, killed when dropped.
struct Server {
    child: Child,
    port: u16,
    first_stdout: String,
}

impl Server {
    fn start(data: &Path) -> Server {
        let port = free_port();
        let log_path = data.with_extension(format!("{port}.log"));
        let log = std::fs::File::create(&log_path).expect("test setup");
        let mut child = Command::new(env!("CARGO_BIN_EXE_crmd"))
            .args(["serve", "--listen", &format!("127.0.0.1:{port}"), "--data"])
            .arg(data)
            .env_remove("CRMD_CONFIG")
            .stdout(Stdio::piped())
            .stderr(log)
            .spawn()
            .expect("crmd serve starts");
        let deadline = Instant::now() + Duration::from_secs(20);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(Instant::now() < deadline, "crmd serve did not listen on {port}");
            if let Some(status) = child.try_wait().expect("test setup") {
                let error = std::fs::read_to_string(&log_path).unwrap_or_default();
                panic!("crmd serve exited with {status}: {error}");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        // The key banner is printed before the server listens, so it is in the pipe by now;
        // read until the pipe has been quiet for a moment.
        let mut first_stdout = String::new();
        if let Some(mut out) = child.stdout.take() {
            let (sender, receiver) = std::sync::mpsc::channel();
            std::thread::spawn(move || {
                let mut buffer = [0u8; 4096];
                while let Ok(read) = out.read(&mut buffer) {
                    if read == 0 || sender.send(buffer[..read].to_vec()).is_err() {
                        break;
                    }
                }
            });
            while let Ok(chunk) = receiver.recv_timeout(Duration::from_millis(300)) {
                first_stdout.push_str(&String::from_utf8_lossy(&chunk));
            }
        }
        Server {
            child,
            port,
            first_stdout,
        }
    }

    fn get(&self, path: &str, key: &str) -> (u16, String) {
        use std::io::Write;
        let mut stream = std::net::TcpStream::connect(("127.0.0.1", self.port)).expect("test setup");
        write!(
            stream,
            "GET {path} HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer {key}\r\nLightfield-Version: 2026-03-01\r\nConnection: close\r\n\r\n"
        )
        .expect("test setup");
        let mut response = String::new();
        stream.read_to_string(&mut response).expect("test setup");
        let status = response
            .split(' ')
            .nth(1)
            .and_then(|code| code.parse().ok())
            .unwrap_or(0);
        (status, response)
    }

    fn terminate(mut self) -> std::process::ExitStatus {
        let pid = self.child.id().to_string();
        Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .expect("test setup");
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if let Some(status) = self.child.try_wait().expect("test setup") {
                return status;
            }
            assert!(Instant::now() < deadline, "crmd did not stop after SIGTERM");
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn first_start_creates_the_folder_and_prints_the_key_once() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("crmd-data");
    let server = Server::start(&data);
    let key = std::fs::read_to_string(data.join("default.key")).unwrap();
    let key = key.trim();
    assert!(key.starts_with("crmd_"), "{key}");
    assert!(
        server.first_stdout.contains(key),
        "the banner shows the key: {}",
        server.first_stdout
    );
    assert!(
        server.first_stdout.contains("default.key"),
        "the banner says where the key is kept"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(data.join("default.key"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o077, 0, "the key file is private");
    }
    let (status, body) = server.get("/v1/auth/validate", key);
    assert_eq!(status, 200, "{body}");
    assert!(server.terminate().success(), "SIGTERM shuts down cleanly");

    let again = Server::start(&data);
    assert!(
        !again.first_stdout.contains("crmd_"),
        "the key is printed only once: {}",
        again.first_stdout
    );
    assert_eq!(
        again.get("/v1/auth/validate", key).0,
        200,
        "the key still works after a restart"
    );
}

#[test]
fn keys_create_prints_only_the_key_and_revoke_stops_it() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    let created = crmd(
        &["keys", "create", "--scopes", "accounts:read", "--label", "ci"],
        data,
    );
    assert!(created.status.success(), "{}", stderr(&created));
    let key = stdout(&created);
    assert_eq!(key.lines().count(), 1, "only the key on stdout: {key:?}");
    let key = key.trim().to_owned();
    assert!(key.starts_with("crmd_"));

    let listed = crmd(&["keys", "list"], data);
    assert!(listed.status.success());
    let key_id = key.split('_').nth(1).unwrap();
    let line = stdout(&listed)
        .lines()
        .find(|line| line.starts_with(key_id))
        .map(str::to_owned);
    let line = line.unwrap_or_else(|| panic!("key {key_id} listed in {}", stdout(&listed)));
    assert!(line.contains("accounts:read") && line.contains("ci"), "{line}");
    assert!(!stdout(&listed).contains(&key), "the secret is never listed");

    let server = Server::start(data);
    assert_eq!(server.get("/v1/accounts", &key).0, 200);
    assert_eq!(
        server.get("/v1/contacts", &key).0,
        403,
        "the key lacks contacts:read"
    );
    let revoked = crmd(&["keys", "revoke", key_id], data);
    assert!(revoked.status.success(), "{}", stderr(&revoked));
    assert_eq!(
        server.get("/v1/accounts", &key).0,
        401,
        "a revoked key stops working at once"
    );

    let bad = crmd(&["keys", "create", "--scopes", "accounts:fly"], data);
    assert!(!bad.status.success());
    assert!(stderr(&bad).contains("accounts:fly"), "{}", stderr(&bad));
}

#[test]
fn schema_files_apply_with_a_diff_refuse_destructive_changes_and_export_back() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let file = dir.path().join("schema.toml");
    std::fs::write(
        &file,
        r#"
[[object]]
slug = "vehicles"
label = "Vehicle"
display_field = "name"
  [[object.field]]
  key = "name"
  type = "TEXT"
  required = true
  [[object.field]]
  key = "speed"
  type = "NUMBER"

[[object]]
slug = "account"
  [[object.field]]
  key = "tier"
  type = "SINGLE_SELECT"
  options = ["Gold", "Silver"]

[[relationship]]
source = "vehicles"
key = "owner"
cardinality = "HAS_ONE"
target = "account"
inverse_key = "vehicles"
"#,
    )
    .unwrap();
    let applied = crmd(&["schema", "apply", file.to_str().unwrap()], &data);
    assert!(applied.status.success(), "{}", stderr(&applied));
    let diff = stderr(&applied);
    assert!(diff.contains("+ object type vehicles"), "{diff}");
    assert!(diff.contains("+ field account.tier (SINGLE_SELECT)"), "{diff}");
    assert!(
        diff.contains("+ relationship vehicles.owner → account.vehicles"),
        "{diff}"
    );

    let exported = crmd(&["schema", "export"], &data);
    assert!(exported.status.success());
    let export_file = dir.path().join("exported.toml");
    std::fs::write(&export_file, stdout(&exported)).unwrap();
    let reapplied = crmd(&["schema", "apply", export_file.to_str().unwrap()], &data);
    assert!(reapplied.status.success(), "{}", stderr(&reapplied));
    assert!(
        stderr(&reapplied).contains("already up to date"),
        "export round-trips: {}",
        stderr(&reapplied)
    );

    std::fs::write(&file, "[[object]]\nslug = \"account\"\n").unwrap();
    let refused = crmd(&["schema", "apply", file.to_str().unwrap()], &data);
    assert!(!refused.status.success(), "dropping vehicles must be refused");
    assert!(
        stderr(&refused).contains("- object type vehicles"),
        "{}",
        stderr(&refused)
    );
    let still_there = crmd(&["schema", "export"], &data);
    assert!(stdout(&still_there).contains("vehicles"), "nothing was applied");
    let allowed = crmd(
        &["schema", "apply", "--allow-destructive", file.to_str().unwrap()],
        &data,
    );
    assert!(allowed.status.success(), "{}", stderr(&allowed));
    assert!(!stdout(&crmd(&["schema", "export"], &data)).contains("vehicles"));
}

#[test]
fn schema_apply_refuses_while_a_server_holds_the_folder() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("schema.toml");
    std::fs::write(&file, "").unwrap();
    let server = Server::start(dir.path());
    let refused = crmd(&["schema", "apply", file.to_str().unwrap()], dir.path());
    assert!(!refused.status.success());
    assert!(stderr(&refused).contains("stop it"), "{}", stderr(&refused));
    drop(server);
}

#[test]
fn every_command_has_help_and_the_example_config_is_printed() {
    for args in [
        vec!["--help"],
        vec!["serve", "--help"],
        vec!["keys", "--help"],
        vec!["keys", "create", "--help"],
        vec!["keys", "list", "--help"],
        vec!["keys", "revoke", "--help"],
        vec!["schema", "apply", "--help"],
        vec!["schema", "export", "--help"],
        vec!["workspaces", "create", "--help"],
        vec!["config", "example", "--help"],
    ] {
        let output = Command::new(env!("CARGO_BIN_EXE_crmd"))
            .args(&args)
            .output()
            .unwrap();
        assert!(output.status.success(), "{args:?}");
        assert!(
            stdout(&output).contains("Usage:"),
            "{args:?}: {}",
            stdout(&output)
        );
    }
    let example = Command::new(env!("CARGO_BIN_EXE_crmd"))
        .args(["config", "example"])
        .output()
        .unwrap();
    assert!(stdout(&example).contains("[storage]") && stdout(&example).contains("durability = \"full\""));
}
