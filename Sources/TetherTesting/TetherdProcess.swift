public import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// The built `tetherd` binary running as a child process on 127.0.0.1 with an ephemeral port,
/// for tests of what only a real process shows: flags and environment, signals, crashes.
public struct TetherdProcess: Sendable {
    /// The running command.
    public let command: RunningCommand
    /// `http://127.0.0.1:PORT`, or `https://` when it serves TLS (`--tls-cert`).
    public let baseURL: URL

    /// Starts `tetherd serve` on `port` (0: any free one) with `arguments` and `environment`,
    /// and waits until it logs the port it bound. It hashes passwords at bcrypt cost 4
    /// (`--insecure-fast-password-hashing`) unless `arguments` say otherwise.
    public static func start(
        dataDirectory: URL,
        port: Int = 0,
        arguments: [String] = [],
        environment: [String: String] = [:]
    ) async throws -> TetherdProcess {
        let runner = CommandRunner("tetherd", environment: environment)
        let command = try runner.start(
            ["--host", "127.0.0.1", "--port", "\(port)", "--data-dir", dataDirectory.path]
                + ["--bcrypt-cost", "4", "--insecure-fast-password-hashing"] + arguments
        )
        // Until it logs its URL, or exits (a bad flag), or a minute has passed.
        let start = try? await Poll.value("tetherd logs its URL") { () -> Start? in
            if let url = Self.servingURL(in: command.standardError()) { return .serving(url) }
            return command.hasExited ? .exited : nil
        }
        if case .serving(let url)? = start {
            return TetherdProcess(command: command, baseURL: url)
        }
        command.send(signal: SIGKILL)
        let result = try await command.wait()
        throw TetherdProcessError.didNotStart(status: result.status, log: result.stderr)
    }

    /// How a start ended: serving at a URL, or gone.
    private enum Start {
        case serving(URL)
        case exited
    }

    /// The URL in tetherd's `serving` log line (`tether.url=https://127.0.0.1:PORT`).
    static func servingURL(in log: String) -> URL? {
        guard let range = log.range(of: "tether.url=") else { return nil }
        return URL(string: String(log[range.upperBound...].prefix { !$0.isWhitespace }))
    }
}

/// Why a ``TetherdProcess`` could not be used.
public enum TetherdProcessError: Error, CustomStringConvertible {
    /// The process exited or never logged a port.
    case didNotStart(status: Int32, log: String)

    public var description: String {
        switch self {
        case .didNotStart(let status, let log): "tetherd did not start (status \(status)): \(log)"
        }
    }
}

/// Free loopback ports, for servers that must know each other's address before they start
/// (the regions of one directory file), or that restart on the port they had.
///
/// They lie below Linux's ephemeral range (32768-60999), so no socket bound to port 0 and no
/// outgoing connection takes one between the pick and the server's bind; and this process never
/// hands one out twice.
public enum FreePort {
    /// The ports picked from.
    static let range = 20_000..<32_768
    /// Ports handed out so far.
    private static let handedOut = Mutex<Set<Int>>([])

    /// `count` distinct ports that were free a moment ago (each bound on 127.0.0.1 and released).
    public static func pick(_ count: Int) throws -> [Int] {
        var ports: [Int] = []
        for _ in 0..<(count * 1_000) where ports.count < count {
            let port = Int.random(in: Self.range)
            let picked = Self.handedOut.withLock { handedOut in
                guard !handedOut.contains(port), Self.isFree(port) else { return false }
                handedOut.insert(port)
                return true
            }
            if picked { ports.append(port) }
        }
        guard ports.count == count else { throw FreePortError.noSocket }
        return ports
    }

    /// Whether `port` can be bound on 127.0.0.1 now.
    private static func isFree(_ port: Int) -> Bool {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socket >= 0 else { return false }
        defer { close(socket) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        return withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
    }
}

/// Why ``FreePort`` found none.
public enum FreePortError: Error {
    /// No port of the range could be bound.
    case noSocket
}
