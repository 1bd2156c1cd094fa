import Foundation
import Testing
import TetherClient
import TetherTesting

#if canImport(Glibc)
import Glibc
#endif

/// Finding 2 of issue 17: `tetherd` serves HTTPS, and the CLI sends passwords and tokens only
/// over TLS or on this machine.
@Suite("TLS")
struct TLSCLITests {
    @Test func theCLISignsInOverHTTPSWithAPrivateCAAndRefusesAnUntrustedCertificate() async throws {
        let certificates = try await TestCertificates.make()
        defer { TemporaryDirectory.remove(certificates.directory) }
        let data = TemporaryDirectory.make()
        defer { TemporaryDirectory.remove(data) }
        let server = try await TetherdProcess.start(dataDirectory: data, arguments: certificates.serverArguments)
        defer { server.command.send(signal: SIGKILL) }
        #expect(server.baseURL.scheme == "https")
        let cli = CLIHarness(serverURL: server.baseURL)

        // The system's roots do not know the test CA: the password is never sent.
        let untrusted = try await cli.tryRegister("tls@example.org", "--json")
        #expect(untrusted.status != 0)
        #expect(untrusted.stderr.contains("TLS certificate of the server at \(server.baseURL.absoluteString)"))
        #expect(untrusted.stderr.contains("--ca-file"))

        let registered = try await cli.tryRegister("tls@example.org", "--ca-file", certificates.caCertificate.path)
        #expect(registered.status == 0, "\(registered.stderr)")
        // The CA is saved with the session, so later commands trust it without the flag.
        #expect(try cli.profile()["ca_file"] as? String == certificates.caCertificate.path)
        let code = try await cli.pairingCode()
        let device = try await cli.claim(code, serial: "TLS-1")
        let devices = try await cli.run("devices", "list", "--json")
        #expect(devices.status == 0, "\(devices.stderr)")
        #expect(devices.stdout.contains(device.id))

        // A new profile: TETHER_CA_FILE works as the flag does, for a sign-in with the password.
        let other = CommandRunner(
            "tether",
            environment: [
                "XDG_CONFIG_HOME": TemporaryDirectory.make(prefix: "tether-cli").path,
                "TETHER_SERVER": server.baseURL.absoluteString,
                "TETHER_CA_FILE": certificates.caCertificate.path,
            ]
        )
        let login = try await other.run(
            ["account", "login", "--email", "tls@example.org", "--password-stdin", "--json"],
            standardInput: "correct horse battery\n"
        )
        #expect(login.status == 0, "\(login.stderr)")
        #expect(try login.jsonObject()["email"] as? String == "tls@example.org")
    }

    @Test func tetherdNeedsBothTLSFilesAndStopsOnOneItCannotRead() async throws {
        let certificates = try await TestCertificates.make()
        defer { TemporaryDirectory.remove(certificates.directory) }
        let data = TemporaryDirectory.make()
        defer { TemporaryDirectory.remove(data) }
        let tetherd = CommandRunner("tetherd")

        let certificateOnly = try await tetherd.run([
            "--data-dir", data.path, "--port", "0", "--tls-cert", certificates.serverCertificate.path,
        ])
        #expect(certificateOnly.status != 0)
        #expect(certificateOnly.stderr.contains("tls-key must be given with tls-cert"))

        let keyOnly = try await CommandRunner("tetherd", environment: ["TETHER_TLS_KEY": certificates.serverKey.path])
            .run(["--data-dir", data.path, "--port", "0"])
        #expect(keyOnly.status != 0)
        #expect(keyOnly.stderr.contains("tls-cert must be given with tls-key"))

        let missing = certificates.directory.appendingPathComponent("missing.pem").path
        let unreadable = try await tetherd.run([
            "--data-dir", data.path, "--port", "0", "--tls-cert", missing, "--tls-key", certificates.serverKey.path,
        ])
        #expect(unreadable.status != 0)
        #expect(unreadable.stderr.contains("tls-cert cannot read \(missing)"))

        // The CA's certificate with the server's key: a pair that does not fit.
        let mismatched = try await tetherd.run([
            "--data-dir", data.path, "--port", "0", "--tls-cert", certificates.caCertificate.path,
            "--tls-key", certificates.serverKey.path,
        ])
        #expect(mismatched.status != 0)
        #expect(mismatched.stderr.contains("tls-key does not fit"))
    }

    @Test func plainHTTPToAServerOffLoopbackIsRefusedBeforeAnythingIsSent() async throws {
        let configHome = TemporaryDirectory.make(prefix: "tether-cli")
        defer { TemporaryDirectory.remove(configHome) }
        let runner = CommandRunner("tether", environment: ["XDG_CONFIG_HOME": configHome.path])
        let login = ["account", "login", "--email", "a@example.org", "--password-stdin"]

        // TEST-NET-1: nothing answers there, so only a refusal before connecting ends quickly.
        let refused = try await runner.run(["--server", "http://192.0.2.1:1"] + login, standardInput: "a password\n")
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("refusing plain http to http://192.0.2.1:1"))
        #expect(refused.stderr.contains("--insecure-http"))
        #expect(refused.stderr.split(separator: "\n").count == 1)

        // With --insecure-http the request goes out: 0.0.0.0 is no loopback address, yet Linux
        // connects it to this machine, where nothing listens on port 9.
        let allowed = try await runner.run(
            ["--insecure-http", "--server", "http://0.0.0.0:9"] + login,
            standardInput: "a password\n"
        )
        #expect(allowed.status != 0)
        #expect(allowed.stderr.contains("cannot reach the server at http://0.0.0.0:9"))
        let refusedAgain = try await runner.run(["--server", "http://0.0.0.0:9"] + login, standardInput: "a\n")
        #expect(refusedAgain.stderr.contains("refusing plain http"))

        // Loopback needs no flag, by address or by name.
        for server in ["http://127.0.0.1:9", "http://localhost:9", "http://[::1]:9"] {
            let local = try await runner.run(["--server", server] + login, standardInput: "a password\n")
            #expect(!local.stderr.contains("refusing"), "\(server): \(local.stderr)")
        }
    }

    /// A `421 wrong_region` names the account's home as the regions file lists it: `https` off
    /// loopback (a file with a plain-http peer off loopback is refused at start), and the password
    /// follows there. (That the CLI keeps a password from plain http off loopback whatever a
    /// server answers is ``aSecretFollowsA421OnlyToHTTPSOrFromLoopbackToLoopback()``.)
    @Test func registrationFollowsAMovedHomeOverTLSAndAPlainPeerIsRefusedAtStart() async throws {
        let scratch = TemporaryDirectory.make()
        defer { TemporaryDirectory.remove(scratch) }
        let port = try FreePort.pick(1)[0]
        let plainFile = try RegionDirectoryFile.write([
            .init(id: "local", port: port, group: "eu"),
            .init(id: "plain", port: 1, group: "eu", url: URL(string: "http://192.0.2.1:1")!),
        ])
        let refused = try await CommandRunner("tetherd").run([
            "--data-dir", scratch.appendingPathComponent("refused").path, "--region", "local", "--regions",
            plainFile.path, "--region-key", RegionDirectoryFile.keyFile(for: "local", regions: plainFile).path,
        ])
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("regions[1].url"), "\(refused.stderr)")
        #expect(refused.stderr.contains("plain http off loopback"), "\(refused.stderr)")

        let file = try RegionDirectoryFile.write([
            .init(id: "local", port: port, group: "eu"),
            .init(id: "secure", port: 9, group: "eu", url: URL(string: "https://0.0.0.0:9")!),
        ])
        let server = try await TetherdProcess.start(
            dataDirectory: scratch.appendingPathComponent("local"),
            port: port,
            arguments: [
                "--region", "local", "--regions", file.path, "--directory-sync-interval", "1h",
                "--region-key", RegionDirectoryFile.keyFile(for: "local", regions: file).path,
            ]
        )
        defer { server.command.send(signal: SIGKILL) }
        let cli = CLIHarness(serverURL: server.baseURL)

        // An https home is followed (and, nothing listening there, cannot be reached).
        let secure = try await cli.tryRegister("moved@example.org", "--region", "secure")
        #expect(secure.status != 0)
        #expect(secure.stderr.contains("continuing at https://0.0.0.0:9"))
        #expect(secure.stderr.contains("cannot reach the server at https://0.0.0.0:9"))
    }

    @Test func aSecretFollowsA421OnlyToHTTPSOrFromLoopbackToLoopback() {
        func follows(_ old: String, _ new: String) -> Bool {
            ServerURLPolicy.mayFollowWithCredentials(from: URL(string: old)!, to: URL(string: new)!)
        }
        #expect(follows("https://eu.example.org", "https://us.example.org"))
        #expect(follows("http://127.0.0.1:8081", "https://us.example.org"))
        #expect(follows("http://127.0.0.1:8081", "http://127.0.0.1:8082"))
        #expect(follows("http://localhost:8081", "http://[::1]:8082"))
        #expect(!follows("https://eu.example.org", "http://us.example.org"))
        #expect(!follows("http://eu.example.org", "http://us.example.org"))
        #expect(!follows("http://127.0.0.1:8081", "http://us.example.org"))
        // A remote server cannot send a password to a port on this machine either.
        #expect(!follows("https://eu.example.org", "http://127.0.0.1:8082"))

        #expect(ServerURLPolicy.isPlainHTTPOffLoopback(URL(string: "http://192.0.2.1:1")!))
        #expect(ServerURLPolicy.isPlainHTTPOffLoopback(URL(string: "HTTP://example.org")!))
        #expect(!ServerURLPolicy.isPlainHTTPOffLoopback(URL(string: "https://192.0.2.1")!))
        #expect(!ServerURLPolicy.isPlainHTTPOffLoopback(URL(string: "http://127.0.0.2:8080")!))
    }
}
