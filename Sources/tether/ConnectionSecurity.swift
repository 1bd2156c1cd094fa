import AsyncHTTPClient
import Foundation
import NIOSSL
import OpenAPIAsyncHTTPClient
import OpenAPIRuntime
import TetherAPI
import TetherClient
import TetherCore

/// How the CLI reaches a server: the private CA it trusts besides the system's roots, and
/// whether plain `http` may leave this machine.
///
/// The CA comes from `--ca-file`, else `TETHER_CA_FILE`, else the one the profile saved at the
/// last `account login` or `register` (so later commands need not repeat it). `--insecure-http`
/// is never saved: each command that sends plain `http` across a network says so.
struct ConnectionSecurity: Sendable {
    /// A PEM file of CA certificates to trust besides the system's, as an absolute path.
    var caFile: String?
    /// Whether `http` to a host that is not loopback is allowed (`--insecure-http`).
    var insecureHTTP = false

    init(caFile: String? = nil, insecureHTTP: Bool = false) {
        self.caFile = caFile.flatMap { $0.isEmpty ? nil : URL(fileURLWithPath: $0).standardizedFileURL.path }
        self.insecureHTTP = insecureHTTP
    }

    /// The settings `global` gives, falling back to the environment and then `profile`.
    init(_ global: GlobalOptions, profile: Profile) {
        let environment = ProcessInfo.processInfo.environment["TETHER_CA_FILE"]
        self.init(
            caFile: global.caFile ?? environment.flatMap { $0.isEmpty ? nil : $0 } ?? profile.caFile,
            insecureHTTP: global.insecureHTTP
        )
    }

    /// Refuses `url` before anything is sent when plain `http` would cross a network, unless
    /// `--insecure-http` allows it.
    func check(_ url: URL) throws(CLIError) {
        guard !self.insecureHTTP, ServerURLPolicy.isPlainHTTPOffLoopback(url) else { return }
        throw CLIError(
            """
            refusing plain http to \(url.absoluteString): passwords and tokens would cross the network \
            unencrypted; use https (with --ca-file for a private CA), or pass --insecure-http
            """
        )
    }

    /// A client of `serverURL` for requests that end (everything but streams): a server that
    /// cannot be reached fails the request at once.
    func client(serverURL: URL, tokens: (any AccessTokenProvider)? = nil) throws(CLIError) -> Client {
        TetherClientFactory.client(
            serverURL: serverURL,
            tokens: tokens,
            transport: AsyncHTTPClientTransport(configuration: .init(client: try self.httpClient(streaming: false)))
        )
    }

    /// A client of `serverURL` for streams and large bodies (`alerts watch`, `backup`), which
    /// waits out a server that is briefly unreachable as AsyncHTTPClient does by default.
    func streamingClient(serverURL: URL, tokens: any AccessTokenProvider) throws(CLIError) -> Client {
        TetherClientFactory.client(
            serverURL: serverURL,
            tokens: tokens,
            transport: AsyncHTTPClientTransport(configuration: .init(client: try self.httpClient(streaming: true)))
        )
    }

    private func httpClient(streaming: Bool) throws(CLIError) -> HTTPClient {
        try HTTPClients.client(for: HTTPClients.Key(caFile: self.caFile, streaming: streaming))
    }
}
