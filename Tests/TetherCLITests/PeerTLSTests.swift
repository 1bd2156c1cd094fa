import Foundation
import Testing
import TetherClient
import TetherTesting

/// Regions reached over `https`: a region trusts its peers' certificates through
/// `--peer-ca-file` (here a throwaway test CA), and signs every request it sends them.
@Suite("peers over TLS")
struct PeerTLSTests {
    @Test func regionsReserveAnEmailAtEachOtherOverHTTPSWithTheirCA() async throws {
        let certificates = try await TestCertificates.make()
        defer { TemporaryDirectory.remove(certificates.directory) }
        let scratch = TemporaryDirectory.make()
        defer { TemporaryDirectory.remove(scratch) }
        let ports = try FreePort.pick(2)
        let file = try RegionDirectoryFile.write([
            .init(id: "eu", port: ports[0], group: "eu", url: URL(string: "https://127.0.0.1:\(ports[0])")!),
            .init(id: "us", port: ports[1], group: "us", url: URL(string: "https://127.0.0.1:\(ports[1])")!),
        ])
        func start(_ region: String, port: Int, trusting: Bool) async throws -> TetherdProcess {
            try await TetherdProcess.start(
                dataDirectory: scratch.appendingPathComponent("\(region)-\(trusting)"),
                port: port,
                arguments: certificates.serverArguments + [
                    "--region", region, "--regions", file.path, "--peer-timeout", "30s",
                    "--directory-sync-interval", "1h",
                    "--region-key", RegionDirectoryFile.keyFile(for: region, regions: file).path,
                ] + (trusting ? ["--peer-ca-file", certificates.caCertificate.path] : [])
            )
        }
        let us = try await start("us", port: ports[1], trusting: true)
        defer { us.command.send(signal: SIGKILL) }
        #expect(us.baseURL.scheme == "https")

        // Without the CA, eu cannot verify us's certificate: no reservation, no account.
        let blind = try await start("eu", port: ports[0], trusting: false)
        let refused = try await CLIHarness(serverURL: blind.baseURL).tryRegister(
            "ada@example.org",
            "--region",
            "eu",
            "--ca-file",
            certificates.caCertificate.path
        )
        blind.command.send(signal: SIGKILL)
        _ = try await blind.command.wait()
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("us"), "\(refused.stderr)")

        // With it: eu reserves the email at us over https, so us refuses it afterwards.
        let eu = try await start("eu", port: ports[0], trusting: true)
        defer { eu.command.send(signal: SIGKILL) }
        let registered = try await CLIHarness(serverURL: eu.baseURL).tryRegister(
            "ada@example.org",
            "--region",
            "eu",
            "--ca-file",
            certificates.caCertificate.path
        )
        #expect(registered.status == 0, "\(registered.stderr)")
        let taken = try await CLIHarness(serverURL: us.baseURL).tryRegister(
            "ada@example.org",
            "--region",
            "us",
            "--ca-file",
            certificates.caCertificate.path
        )
        #expect(taken.status != 0)
        #expect(taken.stderr.contains("already exists"), "\(taken.stderr)")
    }
}
