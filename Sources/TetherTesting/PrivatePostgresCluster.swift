import Foundation
public import TetherStorePostgres

#if canImport(Glibc)
import Glibc
#endif

/// A PostgreSQL cluster of one test's own, started with the test command's script
/// (`scripts/postgres-test-cluster.sh`), for the tests that take the database away under load
/// (stopping the shared cluster would fail every other test running beside them).
public struct PrivatePostgresCluster: Sendable {
    /// The cluster's directory (data, socket, log).
    public let directory: String
    /// Its maintenance database.
    public let location: PostgresLocation

    /// The script, found from this file's place in the repository.
    static let script = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("scripts/postgres-test-cluster.sh")

    /// The `tetherd` arguments that put a region on this cluster's maintenance database.
    public var tetherdArguments: [String] { ["--database", self.location.redacted] }

    /// Starts a new cluster on a free loopback port; with `tls`, it speaks TLS only, with that
    /// server certificate (plain TCP is refused).
    public static func start(tls: TestCertificates? = nil) async throws -> PrivatePostgresCluster {
        var arguments = ["start"]
        if let tls { arguments += ["--tls", tls.serverCertificate.path, tls.serverKey.path] }
        let output = try await Self.run(arguments)
        var values: [String: String] = [:]
        for line in output.split(separator: "\n") where line.hasPrefix("export ") {
            let assignment = line.dropFirst("export ".count)
            guard let equals = assignment.firstIndex(of: "=") else { continue }
            let value = assignment[assignment.index(after: equals)...].trimmingCharacters(
                in: CharacterSet(charactersIn: "'")
            )
            values[String(assignment[..<equals])] = value
        }
        guard let directory = values["TETHER_TEST_POSTGRES_DIR"], let url = values["TETHER_TEST_POSTGRES_URL"] else {
            throw PrivatePostgresClusterError.script("start printed no cluster: \(output)")
        }
        return PrivatePostgresCluster(directory: directory, location: try PostgresLocation(url: url))
    }

    /// Starts a cluster for the length of `body` and removes it afterwards, however `body` ends.
    public static func withCluster<Result>(
        tls: TestCertificates? = nil,
        _ body: (PrivatePostgresCluster) async throws -> Result
    ) async throws -> Result {
        let cluster = try await Self.start(tls: tls)
        do {
            let result = try await body(cluster)
            await cluster.stop()
            return result
        } catch {
            await cluster.stop()
            throw error
        }
    }

    /// Stops the server, keeping its data (`pg_ctl stop -m fast`).
    public func pause() async throws { _ = try await Self.run(["pause", self.directory]) }

    /// Starts the server again on the same port.
    public func resume() async throws { _ = try await Self.run(["resume", self.directory]) }

    /// Stops the server and removes its directory.
    public func stop() async { _ = try? await Self.run(["stop", self.directory]) }

    /// Runs the script to its end and returns what it printed.
    ///
    /// Spawned with `posix_spawn` and reaped with `waitpid`, not through Foundation's `Process`:
    /// the script leaves a PostgreSQL server running, and a `Process` started beside it by
    /// another test can hold the descriptor `Process` watches for the script's end, so its end
    /// would go unseen for as long as that other process runs. The output goes through a file.
    private static func run(_ arguments: [String]) async throws -> String {
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("tether-pg-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: output) }
        let quoted = ([Self.script.path] + arguments).map { "'\($0.replacingOccurrences(of: "'", with: "'\\''"))'" }
        let command = "exec 0</dev/null 2>/dev/null; bash \(quoted.joined(separator: " ")) >'\(output.path)'"
        var pid: pid_t = 0
        let argv: [UnsafeMutablePointer<CChar>?] =
            ["/bin/bash", "-c", command].map { (text: String) in strdup(text) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        let spawned = posix_spawn(&pid, "/bin/bash", nil, nil, argv, environ)
        guard spawned == 0 else { throw PrivatePostgresClusterError.script("cannot start bash: \(spawned)") }
        var status: Int32 = 0
        try await Poll.until("the cluster script ends", timeout: .seconds(120), every: .milliseconds(20)) {
            waitpid(pid, &status, WNOHANG) == pid
        }
        let exitStatus = (status >> 8) & 0xff
        guard status & 0x7f == 0, exitStatus == 0 else {
            throw PrivatePostgresClusterError.script("\(arguments.first ?? "") exited with status \(status)")
        }
        return (try? String(contentsOf: output, encoding: .utf8)) ?? ""
    }
}

/// The cluster script failed.
public enum PrivatePostgresClusterError: Error {
    case script(String)
}
