import AsyncHTTPClient
import NIOCore

/// The HTTP client of the phones' backups, configured as the `tether` CLI's for commands: a
/// request to a server that is down fails at once instead of waiting for it to come back (the
/// shared client retries connecting until the request's minute is up), so a push's own retries,
/// or their absence, decide what a restart does to it. Made on first use, never shut down.
enum BackupHTTPClient {
    static let shared: HTTPClient = {
        var configuration = HTTPClient.Configuration.singletonConfiguration
        configuration.redirectConfiguration = .disallow
        configuration.connectionPool.retryConnectionEstablishment = false
        configuration.timeout.connect = .seconds(10)
        return HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }()
}
