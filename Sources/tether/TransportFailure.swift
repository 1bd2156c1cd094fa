import AsyncHTTPClient
import Foundation
import NIOCore
import NIOPosix
import NIOSSL

/// AsyncHTTPClient's failures on the way to a server (no connection, no TLS agreement) as one
/// line for a person.
enum TransportFailure {
    /// `error` as a ``CLIError`` when it is a failure to connect or to agree on TLS; `nil` when
    /// it is something else.
    static func cliError(_ error: any Error, serverURL: URL) -> CLIError? {
        let server = serverURL.absoluteString
        switch error {
        case is NIOSSLError, is BoringSSLError, is NIOSSLExtraError:
            let text = String(describing: error)
            guard let reason = Self.certificateReasons.first(where: { text.contains($0) }) else {
                return CLIError("TLS with the server at \(server) failed: \(text)")
            }
            return CLIError(
                """
                the TLS certificate of the server at \(server) is not trusted (\(reason)); \
                for a private CA, pass --ca-file FILE or set TETHER_CA_FILE
                """
            )
        case is NIOConnectionError, is IOError, is ChannelError, is HTTPClientError:
            return CLIError("cannot reach the server at \(server): \(error)", unreachable: true)
        default:
            return nil
        }
    }

    /// BoringSSL's words for a certificate the client could not verify, most specific first.
    private static let certificateReasons = [
        "CERTIFICATE_VERIFY_FAILED", "failedToValidateHostname", "unableToValidateCertificate",
        "noCertificateToValidate",
    ]
}
