public import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The built `tetherd` binary running as a child process on 127.0.0.1 with an ephemeral port,
/// for tests of what only a real process shows: flags and environment, signals, crashes.
public struct TetherdProcess: Sendable {
    /// The running command.
    public let command: RunningCommand
    /// `http://127.0.0.1:PORT`.
    public let baseURL: URL

    /// Starts `tetherd serve` on `port` (0: any free one) with `arguments` and `environment`,
    /// and waits until it logs the port it bound.
    public static func start(
        dataDirectory: URL,
        port: Int = 0,
        arguments: [String] = [],
        environment: [String: String] = [:]
    ) async throws -> TetherdProcess {
        let runner = CommandRunner("tetherd", environment: environment)
        let command = try runner.start(
            ["--host", "127.0.0.1", "--port", "\(port)", "--data-dir", dataDirectory.path, "--bcrypt-cost", "4"]
                + arguments
        )
        // Until it logs its port, or exits (a bad flag), or a minute has passed.
        let port = try? await Poll.value("tetherd logs its port") { () -> Int? in
            if let port = Self.listeningPort(in: command.standardError()) { return port }
            return command.hasExited ? -1 : nil
        }
        if let port, port > 0 {
            return TetherdProcess(command: command, baseURL: URL(string: "http://127.0.0.1:\(port)")!)
        }
        command.send(signal: SIGKILL)
        let result = try await command.wait()
        throw TetherdProcessError.didNotStart(status: result.status, log: result.stderr)
    }

    /// The port in Hummingbird's "listening on HOST:PORT" log line.
    static func listeningPort(in log: String) -> Int? {
        guard let range = log.range(of: "listening on 127.0.0.1:") else { return nil }
        let digits = log[range.upperBound...].prefix { $0.isNumber }
        return Int(digits)
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
/// (the regions of one directory file).
public enum FreePort {
    /// `count` distinct ports that were free a moment ago: each is bound on 127.0.0.1 with port 0,
    /// read, and released.
    public static func pick(_ count: Int) throws -> [Int] {
        var sockets: [Int32] = []
        defer { for socket in sockets { close(socket) } }
        var ports: [Int] = []
        for _ in 0..<count {
            let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            guard socket >= 0 else { throw FreePortError.noSocket }
            sockets.append(socket)
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            address.sin_port = 0
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            let bound = withUnsafeMutablePointer(to: &address) { pointer in
                pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { address in
                    bind(socket, address, length) == 0 && getsockname(socket, address, &length) == 0
                }
            }
            guard bound else { throw FreePortError.noSocket }
            ports.append(Int(UInt16(bigEndian: address.sin_port)))
        }
        return ports
    }
}

/// Why ``FreePort`` found none.
public enum FreePortError: Error {
    /// A socket could not be made or bound.
    case noSocket
}
