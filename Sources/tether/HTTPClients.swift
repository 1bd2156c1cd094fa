import AsyncHTTPClient
import NIOCore
import NIOSSL
import Synchronization

/// The process's AsyncHTTPClient instances, one per trust setting and kind, made on first use and
/// kept for the life of the process (a `tether` command is short; like `HTTPClient.shared`, they
/// are never shut down).
enum HTTPClients {
    /// What tells two clients apart.
    struct Key: Hashable, Sendable {
        /// The extra CA file trusted, if any.
        var caFile: String?
        /// Whether the client waits out unreachable servers (streams) rather than failing at once.
        var streaming: Bool
    }

    private static let clients = Mutex<[Key: HTTPClient]>([:])

    /// The client for `key`, made on first use.
    ///
    /// - Throws: ``CLIError`` when the CA file cannot be read as PEM certificates.
    static func client(for key: Key) throws(CLIError) -> HTTPClient {
        try Self.clients.withLock { clients throws(CLIError) in
            if let client = clients[key] { return client }
            let client = HTTPClient(
                eventLoopGroup: HTTPClient.defaultEventLoopGroup,
                configuration: try Self.configuration(key)
            )
            clients[key] = client
            return client
        }
    }

    private static func configuration(_ key: Key) throws(CLIError) -> HTTPClient.Configuration {
        var tls = TLSConfiguration.makeClientConfiguration()
        if let caFile = key.caFile {
            do {
                let certificates = try NIOSSLCertificate.fromPEMFile(caFile)
                guard !certificates.isEmpty else { throw CLIError("no certificate in it") }
                tls.additionalTrustRoots = [.certificates(certificates)]
            } catch {
                throw CLIError("cannot read the CA file \(caFile) as PEM certificates: \(error)")
            }
        }
        var configuration = HTTPClient.Configuration.singletonConfiguration
        configuration.tlsConfiguration = tls
        // Credentials go only where they were sent; the server never redirects.
        configuration.redirectConfiguration = .disallow
        // A command fails at once when its server is down, as a person expects; a stream or an
        // upload waits a while for it.
        configuration.connectionPool.retryConnectionEstablishment = key.streaming
        if !key.streaming { configuration.timeout.connect = .seconds(10) }
        return configuration
    }
}
