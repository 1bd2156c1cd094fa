import Foundation
import Testing
import TetherAPI
import TetherClient
import TetherTesting

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

#if canImport(Glibc)
import Glibc
#endif

/// bcrypt in a real `tetherd`: a floor on its cost, and no hashing for requests that need none
/// (issue 17, "bcrypt as a lever").
@Suite("tetherd password hashing")
struct PasswordHashingProcessTests {
    @Test(.timeLimit(.minutes(2)))
    func aCostBelowTenStopsTetherdUnlessInsecureFastHashingIsAsked() async throws {
        let directory = TemporaryDirectory.make()
        defer { TemporaryDirectory.remove(directory) }
        let refused = try await CommandRunner("tetherd").run([
            "--port", "0", "--data-dir", directory.path, "--bcrypt-cost", "4",
        ])
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("bcrypt-cost"))
        #expect(refused.stderr.contains("--insecure-fast-password-hashing"))

        let fromEnvironment = try await CommandRunner("tetherd", environment: ["TETHER_BCRYPT_COST": "9"])
            .run(["--port", "0", "--data-dir", directory.path])
        #expect(fromEnvironment.status != 0)
        #expect(fromEnvironment.stderr.contains("bcrypt-cost"))

        // TetherdProcess passes --bcrypt-cost 4 --insecure-fast-password-hashing: it starts, and warns.
        let server = try await TetherdProcess.start(dataDirectory: directory)
        defer { server.command.send(signal: SIGKILL) }
        #expect(try await TetherClientFactory.client(serverURL: server.baseURL).getHealth().ok.body.json.status == .ok)
        #expect(server.command.standardError().contains("insecure fast password hashing"))
    }

    @Test func aRegistrationWithATakenEmailHashesNoPassword() async throws {
        let directory = TemporaryDirectory.make()
        defer { TemporaryDirectory.remove(directory) }
        let operatorToken = try await TetherdProcess.operatorToken(dataDirectory: directory)
        let server = try await TetherdProcess.start(dataDirectory: directory)
        defer { server.command.send(signal: SIGKILL) }
        let register = { (email: String) in try await Self.register(email, at: server.baseURL) }
        #expect(try await register("ada@example.org") == 201)
        #expect(try await Self.hashes(at: server.baseURL, operatorToken: operatorToken) == 1)

        // Taken, however it is typed: answered without hashing the password.
        #expect(try await register("ada@example.org") == 409)
        #expect(try await register(" ADA@example.org") == 409)
        #expect(try await Self.hashes(at: server.baseURL, operatorToken: operatorToken) == 1)
        #expect(try await register("grace@example.org") == 201)
        #expect(try await Self.hashes(at: server.baseURL, operatorToken: operatorToken) == 2)
    }

    /// Registers `email` at `url`; returns the status.
    static func register(_ email: String, at url: URL) async throws -> Int {
        var request = URLRequest(url: url.appendingPathComponent("v1/accounts"))
        request.httpMethod = "POST"
        request.httpBody = Data(#"{"email": "\#(email)", "password": "correct horse battery"}"#.utf8)
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        let (_, response) = try await URLSession.shared.data(for: request)
        return (response as? HTTPURLResponse)?.statusCode ?? 0
    }

    /// The passwords the server at `url` has hashed (`tether_password_hashes{operation="hash"}`).
    static func hashes(at url: URL, operatorToken: String) async throws -> Double {
        var request = URLRequest(url: url.appendingPathComponent("metrics"))
        request.setValue("Bearer \(operatorToken)", forHTTPHeaderField: "Authorization")
        let (data, _) = try await URLSession.shared.data(for: request)
        return String(decoding: data, as: UTF8.self).split(separator: "\n")
            .filter { $0.hasPrefix("tether_password_hashes{") && $0.contains(#"operation="hash""#) }
            .compactMap { $0.split(separator: " ").last.flatMap { Double($0) } }
            .reduce(0, +)
    }
}
