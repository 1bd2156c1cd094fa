import HummingbirdCore
import HummingbirdTLS
import NIOSSL
import TetherCore

/// How the server speaks on its socket: HTTP/1.1, wrapped in TLS when the configuration names a
/// certificate chain and key (`--tls-cert`, `--tls-key`).
enum ServerTLS {
    /// `base` (HTTP/1.1), over TLS with `config`'s certificate and key when it has them.
    ///
    /// - Throws: ``TetherError/invalidField(_:_:)`` naming `tls-cert` or `tls-key` when a file
    ///   cannot be read as PEM.
    static func serverBuilder(
        for config: ServerConfig,
        base: HTTPServerBuilder
    ) throws(TetherError) -> HTTPServerBuilder {
        guard let certificateFile = config.tlsCertificateFile, let keyFile = config.tlsKeyFile else {
            return base
        }
        let chain: [NIOSSLCertificate]
        do {
            chain = try NIOSSLCertificate.fromPEMFile(certificateFile)
        } catch {
            throw .invalidField("tls-cert", "cannot read \(certificateFile) as a PEM certificate chain: \(error)")
        }
        guard !chain.isEmpty else {
            throw .invalidField("tls-cert", "\(certificateFile) holds no PEM certificate")
        }
        let key: NIOSSLPrivateKey
        do {
            key = try NIOSSLPrivateKey(file: keyFile, format: .pem)
        } catch {
            throw .invalidField("tls-key", "cannot read \(keyFile) as a PEM private key: \(error)")
        }
        let tls = TLSConfiguration.makeServerConfiguration(
            certificateChain: chain.map { .certificate($0) },
            privateKey: .privateKey(key)
        )
        do {
            // Built here once so a key that does not fit the certificate stops the start, not the first connection.
            _ = try NIOSSLContext(configuration: tls)
            return try .tls(base, tlsConfiguration: tls)
        } catch {
            throw .invalidField("tls-key", "does not fit the certificate chain in \(certificateFile): \(error)")
        }
    }
}
