import Crypto
import Foundation
import HTTPTypes
import Testing
import TetherCore
import TetherServer
import TetherSync
import TetherTesting

/// A region server takes peer requests only from the region that signed them, and only for
/// what that region is the authority for (peer protocol 2).
@Suite("Peer authentication")
struct PeerAuthenticationTests {
    static let hash = String(repeating: "ab", count: 32)

    /// eu's server in a directory of eu, us and ap, each with keys; `body` gets the server and
    /// the regions file (the keys lie beside it).
    static func withEU(_ body: (TestServer, URL) async throws -> Void) async throws {
        let file = try RegionDirectoryFile.write([
            .init(id: "eu", port: 9, group: "eu"), .init(id: "us", port: 10, group: "us"),
            .init(id: "ap", port: 11, group: "ap"),
        ])
        var config = ServerConfig.testing
        config.region = RegionID(rawValue: "eu")!
        config.regions = try RegionDirectory.load(from: file)
        config.regionKeyring = try RegionDirectoryFile.keyring(for: "eu", regions: file)
        config.directorySyncInterval = .seconds(3_600)
        try config.validatePeers()
        try await TestServer.withRunning(config: config, connection: .inProcess) { server in
            try await body(server, file)
        }
    }

    /// The headers of a request to eu signed as `sender` with `key`.
    static func signed(
        _ method: HTTPRequest.Method,
        _ target: String,
        body: Data = Data(),
        as sender: String,
        key: Curve25519.Signing.PrivateKey?,
        receiver: String = "eu",
        nonce: String = PeerRequestSignature.makeNonce()
    ) throws -> HTTPFields {
        let claim = PeerRequestSignature.Claim(
            method: method.rawValue,
            target: target,
            sender: RegionID(rawValue: sender)!,
            receiver: RegionID(rawValue: receiver)!,
            time: Int64(Date().timeIntervalSince1970 * 1_000),
            nonce: nonce,
            bodyDigest: PeerRequestSignature.digest(body)
        )
        var fields: HTTPFields = [.contentType: "application/json"]
        for (name, value) in try PeerRequestSignature.headers(for: claim, signedWith: key) {
            fields[HTTPField.Name(name)!] = value
        }
        return fields
    }

    static func code(_ answer: (HTTPResponse, Data)) -> String? {
        (try? JSONSerialization.jsonObject(with: answer.1) as? [String: Any])?["code"] as? String
    }

    @Test func onlyTheKeyTheRegionsFileListsForTheSenderIsAccepted() async throws {
        try await Self.withEU { server, file in
            let us = try RegionDirectoryFile.keyring(for: "us", regions: file).current.signing
            let ap = try RegionDirectoryFile.keyring(for: "ap", regions: file).current.signing
            let path = "/v1/directory/\(Self.hash)"
            // Signed by us: authenticated, and there is no such entry.
            let known = try await server.send(.get, path, headers: Self.signed(.get, path, as: "us", key: us))
            #expect(known.0.status == .notFound, "\(String(decoding: known.1, as: UTF8.self))")
            // ap's key claiming to be us; no signature; a request signed for another region.
            for headers in [
                try Self.signed(.get, path, as: "us", key: ap),
                try Self.signed(.get, path, as: "us", key: nil),
                try Self.signed(.get, path, as: "us", key: us, receiver: "ap"),
            ] {
                let refused = try await server.send(.get, path, headers: headers)
                #expect(refused.0.status == .unauthorized)
                #expect(Self.code(refused) == "peer_unauthenticated")
            }
            // No peer headers at all: a peer endpoint still refuses.
            let anonymous = try await server.send(.get, path)
            #expect(anonymous.0.status == .unauthorized)
            // Peer protocol 1: the shared token alone.
            let token = try DirectoryKey(bytes: Data(base64Encoded: RegionDirectoryFile.key)!).peerToken
            let old = try await server.send(.get, path, headers: [.authorization: "Bearer \(token)"])
            #expect(old.0.status == .badRequest)
            #expect(Self.code(old) == "peer_protocol_unsupported")
        }
    }

    @Test func aReplayedOrTamperedRequestChangesNothing() async throws {
        try await Self.withEU { server, file in
            let us = try RegionDirectoryFile.keyring(for: "us", regions: file).current.signing
            let path = "/v1/directory/\(Self.hash)"
            let body = Data(#"{"region":"us","confirmed":false}"#.utf8)
            let headers = try Self.signed(.put, path, body: body, as: "us", key: us)
            let reserved = try await server.send(.put, path, headers: headers, body: body)
            #expect(reserved.0.status == .ok, "\(String(decoding: reserved.1, as: UTF8.self))")
            let replayed = try await server.send(.put, path, headers: headers, body: body)
            #expect(replayed.0.status == .unauthorized)
            #expect(String(decoding: replayed.1, as: UTF8.self).contains("replay"))
            // The same signature over another body: us's headers, ap's reservation.
            let other = Data(#"{"region":"ap","confirmed":false}"#.utf8)
            let fresh = try Self.signed(.put, path, body: body, as: "us", key: us)
            let tampered = try await server.send(.put, path, headers: fresh, body: other)
            #expect(tampered.0.status == .unauthorized)
            #expect(String(decoding: tampered.1, as: UTF8.self).contains("not the one signed"))
            // The entry is still us's.
            let entry = try await server.send(.get, path, headers: Self.signed(.get, path, as: "ap", key: nil))
            #expect(entry.0.status == .unauthorized)
            let read = try await server.send(.get, path, headers: Self.signed(.get, path, as: "us", key: us))
            let held = try JSONSerialization.jsonObject(with: read.1) as? [String: Any]
            #expect(held?["region"] as? String == "us", "\(String(decoding: read.1, as: UTF8.self))")
        }
    }

    @Test func aRegionActsOnlyForItself() async throws {
        try await Self.withEU { server, file in
            let us = try RegionDirectoryFile.keyring(for: "us", regions: file).current.signing
            let path = "/v1/directory/\(Self.hash)"
            // Each signed by us, acting for ap: reserving an email, dropping a reservation,
            // sending directory records, sending replica records of ap's accounts.
            let forAP: [(HTTPRequest.Method, String, String)] = [
                (.put, path, #"{"region":"ap","confirmed":false}"#),
                (.delete, "\(path)?region=ap", ""),
                (.post, "/v1/directory/replication/records", #"{"records":[],"from":"ap"}"#),
                (.post, "/v1/replication/accounts/records", #"{"home":"ap","records":[]}"#),
            ]
            for (method, target, text) in forAP {
                let body = Data(text.utf8)
                let answer = try await server.send(
                    method,
                    target,
                    headers: Self.signed(method, target, body: body, as: "us", key: us),
                    body: text.isEmpty ? nil : body
                )
                #expect(answer.0.status == .forbidden, "\(target): \(String(decoding: answer.1, as: UTF8.self))")
                #expect(Self.code(answer) == "peer_not_authority")
            }
        }
    }
}
