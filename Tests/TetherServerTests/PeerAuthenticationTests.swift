import Crypto
import Foundation
import HTTPTypes
import Testing
import TetherCore
import TetherServer
import TetherStore
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

    /// A region forwards other regions' directory records, so each record carries its home's
    /// signature: one its home did not sign is refused, whoever sends it.
    @Test func aDirectoryRecordForAnotherRegionsAccountIsRefused() async throws {
        try await Self.withEU { server, file in
            let us = try RegionDirectoryFile.keyring(for: "us", regions: file).current.signing
            let ap = try RegionDirectoryFile.keyring(for: "ap", regions: file).current.signing
            let target = "/v1/directory/replication/records"
            func record(_ seed: Int, home: String, signedBy key: Curve25519.Signing.PrivateKey?) throws -> String {
                var record = DirectoryRecord(
                    emailHash: String(format: "%064x", seed),
                    region: RegionID(rawValue: home)!,
                    state: .confirmed,
                    version: DirectoryVersion(wallClock: Date())
                )
                record.signature = try key.map { try $0.signature(for: DirectoryRecordSignature.message(record)) }
                let signature = record.signature.map { #","signature":"\#($0.base64EncodedString())""# } ?? ""
                return #"{"email_hash":"\#(record.emailHash)","region":"\#(home)","state":"confirmed","version":"#
                    + "\(record.version.rawValue)\(signature)}"
            }
            func push(_ records: [String]) async throws -> (HTTPResponse, Data) {
                let body = Data(#"{"from":"us","records":[\#(records.joined(separator: ","))]}"#.utf8)
                return try await server.send(
                    .post,
                    target,
                    headers: Self.signed(.post, target, body: body, as: "us", key: us),
                    body: body
                )
            }
            // us claiming an account of ap's, signed with us's key or not at all.
            for forged in [try record(1, home: "ap", signedBy: us), try record(1, home: "ap", signedBy: nil)] {
                let refused = try await push([try record(2, home: "us", signedBy: us), forged])
                #expect(refused.0.status == .unprocessableContent, "\(String(decoding: refused.1, as: UTF8.self))")
                #expect(Self.code(refused) == "replica_invalid")
                #expect(String(decoding: refused.1, as: UTF8.self).contains("records[1]"))
            }
            // Its own records, and ap's as ap signed them (forwarded), are taken.
            let taken = try await push([
                try record(2, home: "us", signedBy: us), try record(3, home: "ap", signedBy: ap),
            ])
            #expect(taken.0.status == .ok, "\(String(decoding: taken.1, as: UTF8.self))")
            let applied = try JSONSerialization.jsonObject(with: taken.1) as? [String: Any]
            #expect(applied?["applied"] as? Int == 2)
            // Nothing of the refused pushes was kept: the forged hash is unknown here.
            let path = "/v1/directory/\(String(format: "%064x", 1))"
            let unknown = try await server.send(.get, path, headers: Self.signed(.get, path, as: "us", key: us))
            #expect(unknown.0.status == .notFound)
        }
    }
}
