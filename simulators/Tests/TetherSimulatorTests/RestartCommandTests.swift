import Foundation
import Testing
import TetherSimulator
import TetherTesting

#if canImport(Glibc)
import Glibc
#endif

/// `tether-sim run --restart-command CMD` against a real `tetherd` that a shell script stops
/// (SIGKILL) and starts again, as an operator's script would: the interrupted push resumes and
/// the run ends (the command's background server must not keep the run waiting).
@Suite(.serialized) struct RestartCommandTests {
    @Test(.timeLimit(.minutes(2))) func theBinaryRestartsTheServerWithTheCommand() async throws {
        let scratch = TemporaryDirectory.make(prefix: "tether-sim-restart")
        defer { TemporaryDirectory.remove(scratch) }
        let data = scratch.appendingPathComponent("data")
        let port = try FreePort.pick(1)[0]
        let first = try await TetherdProcess.start(
            dataDirectory: data,
            port: port,
            arguments: ScenarioSuiteTests.serverArguments
        )
        let pidFile = scratch.appendingPathComponent("pid")
        try "\(first.command.processIdentifier)".write(to: pidFile, atomically: true, encoding: .utf8)
        /// The pid of the server running now: the first, or the one the script started.
        func current() -> Int32? {
            (try? String(contentsOf: pidFile, encoding: .utf8)).flatMap {
                Int32($0.trimmingCharacters(in: .whitespacesAndNewlines))
            }
        }
        defer {
            first.command.send(signal: SIGKILL)
            if let pid = current() { kill(pid, SIGTERM) }
        }
        let tetherd = CommandRunner.binaryDirectory.appendingPathComponent("tetherd").path
        let arguments =
            (["--host", "127.0.0.1", "--port", "\(port)", "--data-dir", data.path, "--bcrypt-cost", "4"]
            + ["--insecure-fast-password-hashing"] + ScenarioSuiteTests.serverArguments).joined(separator: " ")
        let script = scratch.appendingPathComponent("tetherd-ctl.sh")
        try """
        #!/bin/sh
        # tetherd-ctl.sh stop|start URL
        case "$1" in
          stop) pid=$(cat '\(pidFile.path)'); kill -9 "$pid"
                while [ -e "/proc/$pid" ] && [ "$(cut -d' ' -f3 "/proc/$pid/stat")" != Z ]; do sleep 0.05; done ;;
          start) '\(tetherd)' \(arguments) </dev/null >>'\(scratch.path)/log' 2>&1 &
                 echo $! > '\(pidFile.path)' ;;
          *) exit 64 ;;
        esac
        """.write(to: script, atomically: true, encoding: .utf8)
        chmod(script.path, 0o755)

        let result = try await CommandRunner("tether-sim").run([
            "run", "backup-interrupted-push-resumes", "--server", "http://127.0.0.1:\(port)",
            "--restart-command", script.path, "--json",
        ])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try result.jsonObject()["passed"] as? Int == 1)
        #expect(result.stderr.contains("stored; stopping the server at http://127.0.0.1:\(port)"), "\(result.stderr)")
        #expect(result.stderr.contains("starting the server again"))
        #expect(result.stderr.contains("resuming the interrupted push"))
        // A new server took over from the first.
        let restarted = try #require(current())
        #expect(restarted != first.command.processIdentifier && kill(restarted, 0) == 0)
    }
}
