import Foundation
import Testing
import TetherAPI
import TetherClient
import TetherCore
import TetherTesting

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Two `tetherd` regions on loopback sharing one region directory: registration goes where the
/// phone is, sign-in and credentials are sent home, and one email lives in one region only.
@Suite("region routing", .serialized)
struct RegionRoutingTests {
    /// Europe and North America, each a box; the directory file names both servers' ports.
    struct Regions {
        let eu: TetherdProcess
        let us: TetherdProcess
        let scratch: URL

        static func start() async throws -> Regions {
            let scratch = TemporaryDirectory.make()
            let ports = try FreePort.pick(2)
            let file = try RegionDirectoryFile.write([
                .init(id: "eu", port: ports[0], group: "eu", box: (west: -25, south: 34, east: 45, north: 72)),
                .init(id: "us", port: ports[1], group: "us", box: (west: -170, south: 15, east: -50, north: 72)),
            ])
            let eu = try await Self.server("eu", port: ports[0], regions: file, data: scratch)
            let us = try await Self.server("us", port: ports[1], regions: file, data: scratch)
            return Regions(eu: eu, us: us, scratch: scratch)
        }

        static func server(_ region: String, port: Int, regions: URL, data: URL) async throws -> TetherdProcess {
            try await TetherdProcess.start(
                dataDirectory: data.appendingPathComponent(region),
                port: port,
                arguments: [
                    "--region", region, "--regions", regions.path, "--peer-timeout", "30s",
                    "--region-key", RegionDirectoryFile.keyFile(for: region, regions: regions).path,
                ]
            )
        }

        func stop() {
            self.eu.command.send(signal: SIGKILL)
            self.us.command.send(signal: SIGKILL)
            TemporaryDirectory.remove(self.scratch)
        }
    }

    /// A `tether` CLI with its own profile and no `TETHER_SERVER`, so the saved server counts.
    static func cli() -> (CommandRunner, URL) {
        let home = TemporaryDirectory.make(prefix: "tether-cli")
        return (CommandRunner("tether", environment: ["XDG_CONFIG_HOME": home.path]), home)
    }

    @Test func registrationFollowsThePhoneToItsHomeRegionAndTheCLIKeepsThatServer() async throws {
        let regions = try await Regions.start()
        defer { regions.stop() }
        let (tether, _) = Self.cli()

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
        let usClient = TetherClientFactory.client(serverURL: regions.us.baseURL)
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

    @Test func anEmailRegistersInOneRegionOnly() async throws {
        let regions = try await Regions.start()
        defer { regions.stop() }
        let euClient = TetherClientFactory.client(serverURL: regions.eu.baseURL)
        let usClient = TetherClientFactory.client(serverURL: regions.us.baseURL)
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
        let signedIn = TetherClientFactory.client(serverURL: regions.eu.baseURL, tokens: StaticToken(grant.accessToken))
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

    @Test func aCredentialFromAnotherRegionIsSentHomeOnEveryEndpoint() async throws {
        let regions = try await Regions.start()
        defer { regions.stop() }
        let cli = CLIHarness(serverURL: regions.eu.baseURL)
        try await cli.register("alan@example.org")
        let device = try await cli.claim(try await cli.pairingCode(), serial: "EU-1")

        let batch = Data(
            #"{"events":[{"event_id":"e-1","kind":"properties","ts":\#(Int64(Date().timeIntervalSince1970 * 1000)),"battery_pct":80}]}"#
                .utf8
        )
        for (server, status) in [(regions.us.baseURL, 421), (regions.eu.baseURL, 200)] {
            var request = URLRequest(url: server.appendingPathComponent("v1/telemetry"))
            request.httpMethod = "POST"
            request.httpBody = batch
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
            request.setValue("Bearer \(device.credential)", forHTTPHeaderField: "Authorization")
            let (data, response) = try await URLSession.shared.data(for: request)
            #expect((response as? HTTPURLResponse)?.statusCode == status, "\(String(decoding: data, as: UTF8.self))")
            if status == 421 {
                let problem = try JSONSerialization.jsonObject(with: data) as? [String: Any]
                #expect(problem?["code"] as? String == "wrong_region")
                #expect(problem?["home_url"] as? String == regions.eu.baseURL.absoluteString)
            }
        }

        // The account's own token too, on any route.
        let token = try cli.profile()["access_token"] as? String ?? ""
        let usClient = TetherClientFactory.client(serverURL: regions.us.baseURL, tokens: StaticToken(token))
        await #expect(throws: (any Error).self) { _ = try await usClient.listDevices().ok }
        do {
            _ = try await usClient.listDevices().ok
        } catch {
            #expect(TetherClientFailure.problem(error)?.status == 421)
        }
    }

    @Test func aPairingCodeClaimedAtAnotherRegionSendsTheDeviceHome() async throws {
        let regions = try await Regions.start()
        defer { regions.stop() }
        let owner = CLIHarness(serverURL: regions.eu.baseURL)
        try await owner.register("edsger@example.org")
        let code = try await owner.pairingCode()
        let claim = Components.Schemas.ClaimRequest(code: code, serial: "US-CLAIM-1", model: "TAG-1")

        // The US server did not issue the code, but its peer did: 421 to the owner's home.
        let usClient = TetherClientFactory.client(serverURL: regions.us.baseURL)
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
        let device = CLIHarness(serverURL: regions.us.baseURL)
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

    @Test func registrationWaitsForEveryRegionToAgree() async throws {
        let regions = try await Regions.start()
        defer { regions.stop() }
        regions.eu.command.send(signal: SIGKILL)
        _ = try await regions.eu.command.wait()
        let usClient = TetherClientFactory.client(serverURL: regions.us.baseURL)
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
