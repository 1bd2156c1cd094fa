import Foundation
public import TetherStorePostgres

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

    /// Starts a new cluster on a free loopback port.
    public static func start() throws -> PrivatePostgresCluster {
        let output = try Self.run(["start"])
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

    /// Stops the server, keeping its data (`pg_ctl stop -m fast`).
    public func pause() throws { _ = try Self.run(["pause", self.directory]) }

    /// Starts the server again on the same port.
    public func resume() throws { _ = try Self.run(["resume", self.directory]) }

    /// Stops the server and removes its directory.
    public func stop() { _ = try? Self.run(["stop", self.directory]) }

    private static func run(_ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = [Self.script.path] + arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw PrivatePostgresClusterError.script("\(arguments.first ?? "") exited \(process.terminationStatus)")
        }
        return String(decoding: data, as: UTF8.self)
    }
}

/// The cluster script failed.
public enum PrivatePostgresClusterError: Error {
    case script(String)
}
