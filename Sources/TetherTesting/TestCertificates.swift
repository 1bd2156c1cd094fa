public import Foundation

/// A throwaway certificate authority and a server certificate it signed for `127.0.0.1` and
/// `localhost`, made with the `openssl` command in a new temporary directory: what a test of
/// `tetherd --tls-cert` and `tether --ca-file` needs.
///
/// ```swift
/// let certificates = try await TestCertificates.make()
/// let server = try await TetherdProcess.start(dataDirectory: data, arguments: certificates.serverArguments)
/// ```
public struct TestCertificates: Sendable {
    /// The directory holding the files; remove it with ``TemporaryDirectory/remove(_:)``.
    public let directory: URL
    /// The CA's certificate (PEM): what `--ca-file` trusts.
    public var caCertificate: URL { self.directory.appendingPathComponent("ca.pem") }
    /// The server's certificate (PEM), signed by the CA.
    public var serverCertificate: URL { self.directory.appendingPathComponent("server.pem") }
    /// The server certificate's private key (PEM).
    public var serverKey: URL { self.directory.appendingPathComponent("server.key") }
    /// `--tls-cert FILE --tls-key FILE` for `tetherd`.
    public var serverArguments: [String] {
        ["--tls-cert", self.serverCertificate.path, "--tls-key", self.serverKey.path]
    }

    /// Makes a CA and a server certificate valid for two days (P-256 keys).
    public static func make() async throws -> TestCertificates {
        let certificates = TestCertificates(directory: TemporaryDirectory.make(prefix: "tether-tls"))
        let directory = certificates.directory
        let extensions = directory.appendingPathComponent("server.ext")
        try Data(
            """
            subjectAltName = IP:127.0.0.1, DNS:localhost
            basicConstraints = critical, CA:FALSE
            keyUsage = critical, digitalSignature
            extendedKeyUsage = serverAuth

            """.utf8
        ).write(to: extensions)
        let key = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
        try await Self.openssl(
            ["req", "-x509"] + key + [
                "-keyout", directory.appendingPathComponent("ca.key").path, "-out", certificates.caCertificate.path,
                "-days", "2", "-subj", "/CN=Tether Test CA",
                "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign",
            ]
        )
        try await Self.openssl(
            ["req"] + key + [
                "-keyout", certificates.serverKey.path, "-out", directory.appendingPathComponent("server.csr").path,
                "-subj", "/CN=127.0.0.1",
            ]
        )
        try await Self.openssl([
            "x509", "-req", "-in", directory.appendingPathComponent("server.csr").path,
            "-CA", certificates.caCertificate.path, "-CAkey", directory.appendingPathComponent("ca.key").path,
            "-set_serial", "2", "-days", "2", "-extfile", extensions.path, "-out", certificates.serverCertificate.path,
        ])
        return certificates
    }

    /// Runs `openssl ARGUMENTS` to the end without blocking a thread of Swift concurrency.
    private static func openssl(_ arguments: [String]) async throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["openssl"] + arguments
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        let (exits, exitSink) = AsyncStream.makeStream(of: Int32.self)
        process.terminationHandler = { finished in
            exitSink.yield(finished.terminationStatus)
            exitSink.finish()
        }
        try process.run()
        var iterator = exits.makeAsyncIterator()
        let status = await iterator.next() ?? -1
        guard status == 0 else {
            let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            throw TestCertificatesError.openssl(arguments: arguments, status: status, message: message)
        }
    }
}

/// Why ``TestCertificates`` could not be made.
public enum TestCertificatesError: Error, CustomStringConvertible {
    /// `openssl` failed.
    case openssl(arguments: [String], status: Int32, message: String)

    public var description: String {
        switch self {
        case .openssl(let arguments, let status, let message):
            "openssl \(arguments.joined(separator: " ")) exited \(status): \(message)"
        }
    }
}
