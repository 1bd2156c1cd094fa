import Foundation
import Testing
import TetherClient
import TetherTesting

/// Regions reached over `https`: a region trusts its peers' certificates through
/// `--peer-ca-file` (here a throwaway test CA), and signs every request it sends them.
@Suite("peers over TLS")
struct PeerTLSTests {
    /// Two regions, eu and us, in a regions file that lists them at `https` URLs, with a test CA.
    struct HTTPSRegions {
        let certificates: TestCertificates
        let scratch = TemporaryDirectory.make()
        let ports: [Int]
        let file: URL

        init() async throws {
            self.certificates = try await TestCertificates.make()
            self.ports = try FreePort.pick(2)
            self.file = try RegionDirectoryFile.write([
                .init(
                    id: "eu",
                    port: self.ports[0],
                    group: "eu",
                    url: URL(string: "https://127.0.0.1:\(self.ports[0])")!
                ),
                .init(
                    id: "us",
                    port: self.ports[1],
                    group: "us",
                    url: URL(string: "https://127.0.0.1:\(self.ports[1])")!
                ),
            ])
        }

        /// `--ca-file` for the CLI.
        var caFile: [String] { ["--ca-file", self.certificates.caCertificate.path] }

        /// Starts `region` on its port; `trusting` its peers' certificates through the test CA.
        func start(_ region: String, trusting: Bool = true) async throws -> TetherdProcess {
            try await TetherdProcess.start(
                dataDirectory: self.scratch.appendingPathComponent("\(region)-\(trusting)"),
                port: self.ports[region == "eu" ? 0 : 1],
                arguments: self.certificates.serverArguments + [
                    "--region", region, "--regions", self.file.path, "--peer-timeout", "30s",
                    "--directory-sync-interval", "1h",
                    "--region-key", RegionDirectoryFile.keyFile(for: region, regions: self.file).path,
                ] + (trusting ? ["--peer-ca-file", self.certificates.caCertificate.path] : [])
            )
        }

        func remove() {
            TemporaryDirectory.remove(self.certificates.directory)
            TemporaryDirectory.remove(self.scratch)
        }
    }

    @Test func regionsReserveAnEmailAtEachOtherOverHTTPSWithTheirCA() async throws {
        let regions = try await HTTPSRegions()
        defer { regions.remove() }
        let us = try await regions.start("us")
        defer { us.command.send(signal: SIGKILL) }
        #expect(us.baseURL.scheme == "https")

        // Without the CA, eu cannot verify us's certificate: no reservation, no account.
        let blind = try await regions.start("eu", trusting: false)
        let refused = try await CLIHarness(serverURL: blind.baseURL).run(
            arguments: ["account", "register", "--email", "ada@example.org", "--password-stdin", "--region", "eu"]
                + regions.caFile,
            input: "correct horse battery\n"
        )
        blind.command.send(signal: SIGKILL)
        _ = try await blind.command.wait()
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("us"), "\(refused.stderr)")

        // With it: eu reserves the email at us over https, so us refuses it afterwards.
        let eu = try await regions.start("eu")
        defer { eu.command.send(signal: SIGKILL) }
        let registered = try await CLIHarness(serverURL: eu.baseURL).tryRegister(
            "ada@example.org",
            "--region",
            "eu",
            "--ca-file",
            regions.certificates.caCertificate.path
        )
        #expect(registered.status == 0, "\(registered.stderr)")
        let taken = try await CLIHarness(serverURL: us.baseURL).tryRegister(
            "ada@example.org",
            "--region",
            "us",
            "--ca-file",
            regions.certificates.caCertificate.path
        )
        #expect(taken.status != 0)
        #expect(taken.stderr.contains("already exists"), "\(taken.stderr)")
    }

    @Test func anAccountMovesBetweenRegionsOverHTTPSWithItsDevice() async throws {
        let regions = try await HTTPSRegions()
        defer { regions.remove() }
        let us = try await regions.start("us")
        defer { us.command.send(signal: SIGKILL) }
        let eu = try await regions.start("eu")
        defer { eu.command.send(signal: SIGKILL) }
        let cli = CLIHarness(serverURL: eu.baseURL)
        defer { TemporaryDirectory.remove(cli.configHome) }
        let registered = try await cli.tryRegister(
            "grace@example.org",
            "--region",
            "eu",
            "--ca-file",
            regions.certificates.caCertificate.path
        )
        #expect(registered.status == 0, "\(registered.stderr)")
        let code = try await cli.run(arguments: ["pair", "start", "--no-wait", "--json"] + regions.caFile)
        #expect(code.status == 0, "\(code.stderr)")
        let claimed = try await cli.run(
            arguments: [
                "device", "claim", try #require(try code.jsonObject()["code"] as? String), "--serial", "SER-TLS-1",
                "--model", "TAG-1", "--json",
            ] + regions.caFile
        )
        #expect(claimed.status == 0, "\(claimed.stderr)")

        // eu sends the account's records and adopt to us over https, signed with its key.
        let moved = try await cli.run(arguments: ["account", "move", "--region", "us", "--json"] + regions.caFile)
        #expect(moved.status == 0, "\(moved.stderr)")
        #expect(try moved.jsonObject()["region"] as? String == "us")
        let devices = try await cli.run(
            arguments: ["devices", "list", "--server", us.baseURL.absoluteString, "--json"] + regions.caFile
        )
        #expect(devices.status == 0, "\(devices.stderr)")
        #expect(devices.stdout.contains("SER-TLS-1"), "\(devices.stdout)")
        // Signing in at the old home follows the directory to us.
        let other = CLIHarness(serverURL: eu.baseURL)
        defer { TemporaryDirectory.remove(other.configHome) }
        let signIn = try await other.run(
            arguments: ["account", "login", "--email", "grace@example.org", "--password-stdin", "--json"]
                + regions.caFile,
            input: "correct horse battery\n"
        )
        #expect(signIn.status == 0, "\(signIn.stderr)")
        #expect(try other.profile()["server"] as? String == us.baseURL.absoluteString)
    }
}
