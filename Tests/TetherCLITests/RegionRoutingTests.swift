import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import NIOSSL
import OpenAPIAsyncHTTPClient
import OpenAPIRuntime
import Testing
import TetherAPI
import TetherClient
import TetherCore
import TetherTesting

/// Two `tetherd` regions on loopback sharing one region directory: registration goes where the
/// phone is, sign-in and credentials are sent home, and one email lives in one region only.
/// Every test runs twice: over `http`, and over `https` with a test CA (`--peer-ca-file` between
/// the regions, `TETHER_CA_FILE` for the CLI).
@Suite("region routing", .serialized)
struct RegionRoutingTests {
    /// Europe and North America, each a box; the directory file names both servers' URLs.
    struct Regions {
        let eu: TetherdProcess
        let us: TetherdProcess
        let scratch: URL
        /// The test CA and the servers' certificate, when the regions serve `https`.
        let certificates: TestCertificates?
        /// The tests' own HTTP client, trusting the test CA.
        let http: HTTPClient

        static func start(https: Bool) async throws -> Regions {
            let scratch = TemporaryDirectory.make()
            let certificates = https ? try await TestCertificates.make() : nil
            let ports = try FreePort.pick(2)
            let scheme = https ? "https" : "http"
            let file = try RegionDirectoryFile.write([
                .init(
                    id: "eu",
                    port: ports[0],
                    group: "eu",
                    box: (west: -25, south: 34, east: 45, north: 72),
                    url: URL(string: "\(scheme)://127.0.0.1:\(ports[0])")
                ),
                .init(
                    id: "us",
                    port: ports[1],
                    group: "us",
                    box: (west: -170, south: 15, east: -50, north: 72),
                    url: URL(string: "\(scheme)://127.0.0.1:\(ports[1])")
                ),
            ])
            var tls = TLSConfiguration.makeClientConfiguration()
            if let certificates { tls.trustRoots = .file(certificates.caCertificate.path) }
            let http = HTTPClient(configuration: HTTPClient.Configuration(tlsConfiguration: tls))
            let server = { (region: String, port: Int) in
                try await TetherdProcess.start(
                    dataDirectory: scratch.appendingPathComponent(region),
                    port: port,
                    arguments: [
                        "--region", region, "--regions", file.path, "--peer-timeout", "30s",
                        "--region-key", RegionDirectoryFile.keyFile(for: region, regions: file).path,
                    ]
                        + (certificates.map { $0.serverArguments + ["--peer-ca-file", $0.caCertificate.path] } ?? [])
                )
            }
            return Regions(
                eu: try await server("eu", ports[0]),
                us: try await server("us", ports[1]),
                scratch: scratch,
                certificates: certificates,
                http: http
            )
        }

        /// A client of `server`, over the tests' HTTP client.
        func client(_ server: URL, tokens: (any AccessTokenProvider)? = nil) -> Client {
            TetherClientFactory.client(
                serverURL: server,
                tokens: tokens,
                transport: AsyncHTTPClientTransport(configuration: .init(client: self.http))
            )
        }

        /// What the CLI needs besides: the test CA, when there is one.
        var cliEnvironment: [String: String] {
            self.certificates.map { ["TETHER_CA_FILE": $0.caCertificate.path] } ?? [:]
        }

        /// A `tether` CLI of `server`.
        func harness(_ server: URL) -> CLIHarness {
            CLIHarness(serverURL: server, environment: self.cliEnvironment)
        }

        /// A `tether` CLI with its own profile and no `TETHER_SERVER`, so the saved server counts.
        func cli() -> (CommandRunner, URL) {
            let home = TemporaryDirectory.make(prefix: "tether-cli")
            return (
                CommandRunner(
                    "tether",
                    environment: self.cliEnvironment.merging(["XDG_CONFIG_HOME": home.path]) { $1 }
                ),
                home
            )
        }

        func stop() {
            self.eu.command.send(signal: SIGKILL)
            self.us.command.send(signal: SIGKILL)
            try? self.http.syncShutdown()
            TemporaryDirectory.remove(self.scratch)
            if let certificates { TemporaryDirectory.remove(certificates.directory) }
        }
    }

    @Test(arguments: [false, true])
    func registrationFollowsThePhoneToItsHomeRegionAndTheCLIKeepsThatServer(https: Bool) async throws {
        let regions = try await Regions.start(https: https)
        defer { regions.stop() }
        #expect(regions.us.baseURL.scheme == (https ? "https" : "http"))
        let (tether, home) = regions.cli()
        defer { TemporaryDirectory.remove(home) }

        // Registered at the US server from Berlin: the account is created in the EU.
        let registered = try await tether.run(
            [
                "account", "register", "--email", "ada@example.org", "--password-stdin",
                "--lat", "52.52", "--lon", "13.405", "--server", regions.us.baseURL.absoluteString, "--json",
            ],
            standardInput: "correct horse battery\n"
        )
        #expect(registered.status == 0, "\(registered.stderr)")
        #expect(try registered.jsonObject()["region"] as? String == "eu")
        #expect(registered.stderr.contains("home region eu"))

        // The profile keeps the EU server: later commands go there without --server.
        let whoami = try await tether.run(["account", "whoami", "--json"])
        #expect(whoami.status == 0, "\(whoami.stderr)")
        #expect(try whoami.jsonObject()["region"] as? String == "eu")

        // Signing in at the US server is redirected home.
        let login = try await tether.run(
            [
                "account", "login", "--email", "ada@example.org", "--password-stdin",
                "--server", regions.us.baseURL.absoluteString, "--json",
            ],
            standardInput: "correct horse battery\n"
        )
        #expect(login.status == 0, "\(login.stderr)")
        #expect(try login.jsonObject()["region"] as? String == "eu")

        // The US server never stored the account: it answers for it only with a redirect.
        let usClient = regions.client(regions.us.baseURL)
        do {
            _ = try await usClient.signIn(body: .json(.init(email: "ada@example.org", password: "wrong password!")))
            Issue.record("the US server signed in an EU account")
        } catch {
            let problem = TetherClientFailure.problem(error)
            #expect(problem?.status == 421)
            #expect(problem?.problem.homeRegion == "eu")
            #expect(problem?.problem.homeURL == regions.eu.baseURL.absoluteString)
        }
    }

    @Test(arguments: [false, true])
    func anEmailRegistersInOneRegionOnly(https: Bool) async throws {
        let regions = try await Regions.start(https: https)
        defer { regions.stop() }
        let euClient = regions.client(regions.eu.baseURL)
        let usClient = regions.client(regions.us.baseURL)
        _ = try await euClient.registerAccount(
            body: .json(.init(email: "grace@example.org", password: "correct horse battery", region: "eu"))
        ).created

        // Choosing the US outright does not give the same email a second home.
        do {
            _ = try await usClient.registerAccount(
                body: .json(.init(email: "Grace@Example.org", password: "another password!", region: "us"))
            ).created
            Issue.record("one email registered in two regions")
        } catch {
            #expect(TetherClientFailure.problem(error)?.code == "email_taken")
        }

        // Deleting the account frees the email everywhere.
        let grant = try await euClient.signIn(
            body: .json(.init(email: "grace@example.org", password: "correct horse battery"))
        ).ok.body.json
        let signedIn = regions.client(regions.eu.baseURL, tokens: StaticToken(grant.accessToken))
        _ = try await signedIn.deleteAccount().ok
        // The deletion reaches us at once, or with the next directory round if that push failed:
        // until then us still refuses the email as taken.
        let moved = try await Poll.value("us takes the freed email") { () -> Components.Schemas.SessionGrant? in
            do {
                return try await usClient.registerAccount(
                    body: .json(.init(email: "grace@example.org", password: "another password!", region: "us"))
                ).created.body.json
            } catch  where TetherClientFailure.problem(error)?.code == "email_taken" {
                return nil
            }
        }
        #expect(moved.account.region == "us")
    }

    @Test(arguments: [false, true])
    func aCredentialFromAnotherRegionIsSentHomeOnEveryEndpoint(https: Bool) async throws {
        let regions = try await Regions.start(https: https)
        defer { regions.stop() }
        let cli = regions.harness(regions.eu.baseURL)
        defer { TemporaryDirectory.remove(cli.configHome) }
        try await cli.register("alan@example.org")
        let device = try await cli.claim(try await cli.pairingCode(), serial: "EU-1")

        let batch = Data(
            #"{"events":[{"event_id":"e-1","kind":"properties","ts":\#(Int64(Date().timeIntervalSince1970 * 1000)),"battery_pct":80}]}"#
                .utf8
        )
        for (server, status) in [(regions.us.baseURL, 421), (regions.eu.baseURL, 200)] {
            var request = HTTPClientRequest(url: server.appendingPathComponent("v1/telemetry").absoluteString)
            request.method = .POST
            request.body = .bytes(ByteBuffer(bytes: Array(batch)))
            request.headers.add(name: "Content-Type", value: "application/json")
            request.headers.add(name: "Authorization", value: "Bearer \(device.credential)")
            let response = try await regions.http.execute(request, timeout: .seconds(30))
            let data = Data((try await response.body.collect(upTo: 1 << 20)).readableBytesView)
            #expect(Int(response.status.code) == status, "\(String(decoding: data, as: UTF8.self))")
            if status == 421 {
                let problem = try JSONSerialization.jsonObject(with: data) as? [String: Any]
                #expect(problem?["code"] as? String == "wrong_region")
                #expect(problem?["home_url"] as? String == regions.eu.baseURL.absoluteString)
            }
        }

        // The account's own token too, on any route.
        let token = try cli.profile()["access_token"] as? String ?? ""
        let usClient = regions.client(regions.us.baseURL, tokens: StaticToken(token))
        await #expect(throws: (any Error).self) { _ = try await usClient.listDevices().ok }
        do {
            _ = try await usClient.listDevices().ok
        } catch {
            #expect(TetherClientFailure.problem(error)?.status == 421)
        }
    }

    @Test(arguments: [false, true])
    func aPairingCodeClaimedAtAnotherRegionSendsTheDeviceHome(https: Bool) async throws {
        let regions = try await Regions.start(https: https)
        defer { regions.stop() }
        let owner = regions.harness(regions.eu.baseURL)
        defer { TemporaryDirectory.remove(owner.configHome) }
        try await owner.register("edsger@example.org")
        let code = try await owner.pairingCode()
        let claim = Components.Schemas.ClaimRequest(code: code, serial: "US-CLAIM-1", model: "TAG-1")

        // The US server did not issue the code, but its peer did: 421 to the owner's home.
        let usClient = regions.client(regions.us.baseURL)
        do {
            _ = try await usClient.claimDevice(body: .json(claim)).created
            Issue.record("the US server paired a device to an EU code")
        } catch {
            let problem = TetherClientFailure.problem(error)
            #expect(problem?.status == 421)
            #expect(problem?.problem.homeURL == regions.eu.baseURL.absoluteString)
        }

        // A code no region issued stays a plain 404.
        do {
            let unknown = Components.Schemas.ClaimRequest(code: "2345-6789", serial: "US-CLAIM-2", model: "TAG-1")
            _ = try await usClient.claimDevice(body: .json(unknown)).created
            Issue.record("an unknown code paired a device")
        } catch {
            #expect(TetherClientFailure.problem(error)?.code == "pairing_code_not_found")
        }

        // The CLI follows the 421, pairs at home and says where the device now lives.
        let device = regions.harness(regions.us.baseURL)
        defer { TemporaryDirectory.remove(device.configHome) }
        let claimed = try await device.run(
            "device",
            "claim",
            code,
            "--serial",
            "US-CLAIM-1",
            "--model",
            "TAG-1",
            "--json"
        )
        #expect(claimed.status == 0, "\(claimed.stderr)")
        #expect(try claimed.jsonObject()["server"] as? String == regions.eu.baseURL.absoluteString)
        let devices = try await owner.run("devices", "list", "--json")
        #expect(devices.stdout.contains("US-CLAIM-1"), "\(devices.stdout)")
    }

    @Test(arguments: [false, true])
    func registrationWaitsForEveryRegionToAgree(https: Bool) async throws {
        let regions = try await Regions.start(https: https)
        defer { regions.stop() }
        regions.eu.command.send(signal: SIGKILL)
        _ = try await regions.eu.command.wait()
        let usClient = regions.client(regions.us.baseURL)
        do {
            _ = try await usClient.registerAccount(
                body: .json(.init(email: "bob@example.org", password: "correct horse battery", region: "us"))
            ).created
            Issue.record("registered while a peer could not be asked")
        } catch {
            #expect(TetherClientFailure.problem(error)?.code == "peer_unavailable")
        }
    }
}
