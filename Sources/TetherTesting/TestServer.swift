public import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import ServiceLifecycle
public import TetherServer
import TetherStore
import TetherStoreSQLite
import TetherSync

/// A real `tetherd` app on 127.0.0.1 with an ephemeral port and a SQLite database in a
/// temporary directory, for the length of a closure.
///
/// ```swift
/// try await TestServer.withRunning { server in
///     let client = TetherClientFactory.client(serverURL: server.baseURL)
///     …
/// }
/// ```
public struct TestServer: Sendable {
    /// `http://127.0.0.1:PORT` (`https://` with ``ServerConfig/tlsCertificateFile``).
    public let baseURL: URL
    /// The port the server bound.
    public let port: Int
    /// The directory holding the database.
    public let dataDirectory: URL
    /// The configuration it runs with.
    public let config: ServerConfig
    /// Its background jobs, to step instead of sleeping: `try await server.jobs.runOnce(.alertTicker)`.
    public let jobs: BackgroundJobs
    /// How requests reach it.
    public var connection: Connection {
        switch self.requests {
        case .socket: .socket
        case .router: .inProcess
        }
    }
    let requests: TestServerRequests

    /// Starts a server, runs `body`, then shuts the server down gracefully.
    ///
    /// - Parameters:
    ///   - config: Settings; the port is replaced by an ephemeral one. Defaults to ``ServerConfig/testing``.
    ///   - dataDirectory: Where the database lives; a new temporary directory (removed afterwards) when `nil`.
    ///     Pass the same directory twice to restart a server on the same data.
    ///   - connection: A socket (the default), or requests straight into the application; a
    ///     server in process has no ``baseURL`` to give a child process or a stream.
    public static func withRunning<Result: Sendable>(
        config: ServerConfig = .testing,
        dataDirectory: URL? = nil,
        connection: Connection = .socket,
        _ body: (TestServer) async throws -> Result
    ) async throws -> Result {
        try await ServerSlots.withSlot {
            try await Self.run(config: config, dataDirectory: dataDirectory, connection: connection, body)
        }
    }

    private static func run<Result: Sendable>(
        config: ServerConfig,
        dataDirectory: URL?,
        connection: Connection,
        _ body: (TestServer) async throws -> Result
    ) async throws -> Result {
        let directory = dataDirectory ?? TemporaryDirectory.make()
        defer { if dataDirectory == nil { TemporaryDirectory.remove(directory) } }
        var config = config
        config.host = "127.0.0.1"
        config.port = 0
        var store = try SQLiteStore.open(directory: directory)
        store.clock = config.clock
        // Closed once the server has stopped, so a suite of servers does not pile up descriptors.
        defer { try? store.close() }
        var logger = Logger(label: "tether.test-server")
        logger.logLevel = .warning

        let (ports, portSink) = AsyncStream.makeStream(of: Int.self)
        let backups = try BackupVault.open(dataDirectory: directory, store: store, clock: config.clock)
        let jobs = BackgroundJobs()
        let app = try buildApplication(config: config, store: store, logger: logger, backups: backups, jobs: jobs) {
            channel in
            portSink.yield(channel.localAddress?.port ?? 0)
            portSink.finish()
        }
        if connection == .inProcess {
            return try await Self.inProcess(app, directory: directory, config: config, jobs: jobs, body)
        }
        let serviceGroup = ServiceGroup(services: [app], gracefulShutdownSignals: [], logger: logger)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await serviceGroup.run() }
            var iterator = ports.makeAsyncIterator()
            guard let port = await iterator.next(), port > 0 else {
                await serviceGroup.triggerGracefulShutdown()
                throw TestServerError.didNotStart
            }
            let server = TestServer(
                baseURL: URL(string: "\(config.scheme)://127.0.0.1:\(port)")!,
                port: port,
                dataDirectory: directory,
                config: config,
                jobs: jobs,
                requests: .socket
            )
            do {
                let result = try await body(server)
                await serviceGroup.triggerGracefulShutdown()
                try await group.waitForAll()
                return result
            } catch {
                await serviceGroup.triggerGracefulShutdown()
                try? await group.waitForAll()
                throw error
            }
        }
    }
}

extension TestServer {
    /// Runs `app` under HummingbirdTesting's router framework (its services run too) and `body`
    /// with its client. The framework's test closure is `@Sendable`, `body` need not be: the
    /// closure hands the client out and waits until `body` is done.
    fileprivate static func inProcess<Result: Sendable>(
        _ app: some ApplicationProtocol,
        directory: URL,
        config: ServerConfig,
        jobs: BackgroundJobs,
        _ body: (TestServer) async throws -> Result
    ) async throws -> Result {
        let (clients, handOut) = AsyncStream.makeStream(of: (any TestClientProtocol).self)
        let (bodyDone, finishBody) = AsyncStream.makeStream(of: Void.self)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                try await app.test(.router) { client in
                    handOut.yield(client)
                    handOut.finish()
                    for await _ in bodyDone {}
                }
            }
            var iterator = clients.makeAsyncIterator()
            guard let client = await iterator.next() else { throw TestServerError.didNotStart }
            let server = TestServer(
                baseURL: URL(string: "http://in-process.invalid")!,
                port: 0,
                dataDirectory: directory,
                config: config,
                jobs: jobs,
                requests: .router(client)
            )
            do {
                let result = try await body(server)
                finishBody.finish()
                try await group.waitForAll()
                return result
            } catch {
                finishBody.finish()
                try? await group.waitForAll()
                throw error
            }
        }
    }
}

/// Why a ``TestServer`` could not be used.
public enum TestServerError: Error {
    /// The server never reported a bound port.
    case didNotStart
    /// The request needs a socket (``TestServer/Connection/socket``), or the connection closed
    /// before an answer.
    case noSocket
}

extension ServerConfig {
    /// Settings for tests: cheap bcrypt (allowed by ``insecureFastPasswordHashing``), an
    /// ephemeral port, every other default unchanged.
    public static var testing: ServerConfig {
        var config = ServerConfig(port: 0, bcryptCost: 4)
        config.insecureFastPasswordHashing = true
        return config
    }
}
