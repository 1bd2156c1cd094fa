import Crypto
import Foundation
import Synchronization
import Testing
import TetherCore
import TetherSync

/// Peer protocol 2: a region proves which region it is by signing each request
/// (`protocols/sync.md`, "Peer authentication").
@Suite struct PeerVerifierTests {
    static let eu = RegionID(rawValue: "eu")!
    static let us = RegionID(rawValue: "us")!
    static let ap = RegionID(rawValue: "ap")!

    /// Keys of eu, us and ap, and a directory listing their public halves (ap's with an older
    /// key still listed).
    struct Deployment {
        let keys: [RegionID: RegionKeyring]
        let retired: RegionKeyring
        let directory: RegionDirectory

        init(keyless: Set<RegionID> = []) throws {
            var keys: [RegionID: RegionKeyring] = [:]
            for region in [PeerVerifierTests.eu, PeerVerifierTests.us, PeerVerifierTests.ap] {
                keys[region] = RegionKeyring(region: region, pairs: [.generate()])
            }
            // ap rotated: its newest pair signs, its older one is still listed.
            self.retired = keys[PeerVerifierTests.ap]!
            keys[PeerVerifierTests.ap] = self.retired.rotated()
            self.keys = keys
            let regions = keys.keys.sorted { $0.rawValue < $1.rawValue }.map { id in
                RegionDirectory.Region(
                    id: id,
                    url: URL(string: "http://127.0.0.1:\(8000 + id.rawValue.count)")!,
                    group: id.rawValue,
                    area: [],
                    keys: keyless.contains(id) ? [] : keys[id]!.pairs.map(\.publicKeys)
                )
            }
            self.directory = try RegionDirectory(
                regions: regions,
                key: DirectoryKey(bytes: Data(repeating: 7, count: 32))
            )
        }
    }

    /// A request's parts, signed as `sender` with `key` for `receiver`.
    struct SignedRequest {
        var method = "PUT"
        var target = "/v1/directory/\(String(repeating: "a", count: 64))"
        var body = Data(#"{"region":"us","confirmed":false}"#.utf8)
        var headers: [String: String] = [:]
        var bearerToken: String?

        init(
            as sender: RegionID,
            key: Curve25519.Signing.PrivateKey?,
            for receiver: RegionID = PeerVerifierTests.eu,
            at time: Date = Date(),
            nonce: String = PeerRequestSignature.makeNonce()
        ) throws {
            let claim = PeerRequestSignature.Claim(
                method: self.method,
                target: self.target,
                sender: sender,
                receiver: receiver,
                time: Int64(time.timeIntervalSince1970 * 1_000),
                nonce: nonce,
                bodyDigest: PeerRequestSignature.digest(self.body)
            )
            for (name, value) in try PeerRequestSignature.headers(for: claim, signedWith: key) {
                self.headers[name.lowercased()] = value
            }
        }

        var request: PeerVerifier.Request {
            let headers = self.headers
            return PeerVerifier.Request(method: self.method, target: self.target, bearerToken: self.bearerToken) {
                headers[$0.lowercased()]
            }
        }
    }

    static func refusal(_ body: () throws -> Void) -> TetherError? {
        do {
            try body()
            return nil
        } catch let error as TetherError {
            return error
        } catch {
            Issue.record("unexpected \(error)")
            return nil
        }
    }

    @Test func aRequestSignedByItsRegionsKeyIsThatRegion() throws {
        let deployment = try Deployment()
        let verifier = PeerVerifier(region: Self.eu, directory: deployment.directory)
        let signed = try SignedRequest(as: Self.us, key: deployment.keys[Self.us]!.current.signing)
        #expect(try verifier.verify(signed.request, body: signed.body) == Self.us)
        // After a rotation both keys the regions file lists are accepted.
        let newest = try SignedRequest(as: Self.ap, key: deployment.keys[Self.ap]!.current.signing)
        #expect(try verifier.verify(newest.request, body: newest.body) == Self.ap)
        let older = try SignedRequest(as: Self.ap, key: deployment.retired.current.signing)
        #expect(try verifier.verify(older.request, body: older.body) == Self.ap)
    }

    @Test func aRegionSigningWithAnotherKeyIsRefused() throws {
        let deployment = try Deployment()
        let verifier = PeerVerifier(region: Self.eu, directory: deployment.directory)
        // ap's key, claiming to be us.
        let forged = try SignedRequest(as: Self.us, key: deployment.keys[Self.ap]!.current.signing)
        let error = Self.refusal { _ = try verifier.verify(forged.request, body: forged.body) }
        #expect(error?.code == "peer_unauthenticated")
        #expect(
            error?.detail.contains("not by a key the regions file lists for us") == true,
            "\(String(describing: error))"
        )
        // Unsigned, or naming a region the file does not list, or itself.
        var unsigned = try SignedRequest(as: Self.us, key: deployment.keys[Self.us]!.current.signing)
        unsigned.headers["tether-peer-signature"] = nil
        #expect(
            Self.refusal { _ = try verifier.verify(unsigned.request, body: unsigned.body) }?.code
                == "peer_unauthenticated"
        )
        let stranger = try SignedRequest(as: RegionID(rawValue: "mars")!, key: Curve25519.Signing.PrivateKey())
        #expect(
            Self.refusal { _ = try verifier.verify(stranger.request, body: stranger.body) }?.code
                == "peer_unauthenticated"
        )
        let itself = try SignedRequest(as: Self.eu, key: deployment.keys[Self.eu]!.current.signing)
        #expect(
            Self.refusal { _ = try verifier.verify(itself.request, body: itself.body) }?.code == "peer_unauthenticated"
        )
    }

    @Test func aTamperedRequestIsRefused() throws {
        let deployment = try Deployment()
        let verifier = PeerVerifier(region: Self.eu, directory: deployment.directory)
        let key = deployment.keys[Self.us]!.current.signing
        let body = try SignedRequest(as: Self.us, key: key)
        let otherBody = Data(#"{"region":"ap","confirmed":false}"#.utf8)
        #expect(
            Self.refusal { _ = try verifier.verify(body.request, body: otherBody) }?.detail.contains("body") == true
        )
        var target = try SignedRequest(as: Self.us, key: key)
        target.target = "/v1/directory/\(String(repeating: "b", count: 64))"
        #expect(
            Self.refusal { _ = try verifier.verify(target.request, body: target.body) }?.code == "peer_unauthenticated"
        )
        var method = try SignedRequest(as: Self.us, key: key)
        method.method = "DELETE"
        #expect(
            Self.refusal { _ = try verifier.verify(method.request, body: method.body) }?.code == "peer_unauthenticated"
        )
        // A request signed for ap does not pass at eu.
        let elsewhere = try SignedRequest(as: Self.us, key: key, for: Self.ap)
        #expect(
            Self.refusal { _ = try verifier.verify(elsewhere.request, body: elsewhere.body) }?.code
                == "peer_unauthenticated"
        )
    }

    @Test func aReplayedOrStaleRequestIsRefused() throws {
        let deployment = try Deployment()
        let now = Mutex(Date(timeIntervalSince1970: 1_800_000_000))
        let verifier = PeerVerifier(
            region: Self.eu,
            directory: deployment.directory,
            window: .seconds(60),
            clock: { now.withLock { $0 } }
        )
        let key = deployment.keys[Self.us]!.current.signing
        let signed = try SignedRequest(as: Self.us, key: key, at: now.withLock { $0 })
        #expect(try verifier.verify(signed.request, body: signed.body) == Self.us)
        let replay = Self.refusal { _ = try verifier.verify(signed.request, body: signed.body) }
        #expect(replay?.detail.contains("replay") == true, "\(String(describing: replay))")
        // The same request 61 s later is refused by its time, whatever the nonce memory holds.
        now.withLock { $0 = $0.addingTimeInterval(61) }
        let stale = Self.refusal { _ = try verifier.verify(signed.request, body: signed.body) }
        #expect(stale?.detail.contains("from this region's clock") == true, "\(String(describing: stale))")
        let early = try SignedRequest(as: Self.us, key: key, at: now.withLock { $0 }.addingTimeInterval(120))
        #expect(
            Self.refusal { _ = try verifier.verify(early.request, body: early.body) }?.code == "peer_unauthenticated"
        )
        // A fresh nonce at the current time passes.
        let fresh = try SignedRequest(as: Self.us, key: key, at: now.withLock { $0 })
        #expect(try verifier.verify(fresh.request, body: fresh.body) == Self.us)
    }

    @Test func protocolOneIsRefusedNamingTheVersion() throws {
        let deployment = try Deployment()
        let verifier = PeerVerifier(region: Self.eu, directory: deployment.directory)
        var old = try SignedRequest(as: Self.us, key: deployment.keys[Self.us]!.current.signing)
        old.headers["tether-peer-protocol"] = nil
        let error = Self.refusal { _ = try verifier.verify(old.request, body: old.body) }
        #expect(error?.code == "peer_protocol_unsupported")
        #expect(error?.detail.contains("protocol 1") == true)
        old.headers["tether-peer-protocol"] = "3"
        #expect(
            Self.refusal { _ = try verifier.verify(old.request, body: old.body) }?.detail.contains("speaks 3") == true
        )
    }

    @Test func aRegionWithoutKeysPresentsThePeerToken() throws {
        let deployment = try Deployment(keyless: [Self.us])
        let verifier = PeerVerifier(region: Self.eu, directory: deployment.directory)
        var request = try SignedRequest(as: Self.us, key: nil)
        #expect(
            Self.refusal { _ = try verifier.verify(request.request, body: request.body) }?.code
                == "peer_unauthenticated"
        )
        request.bearerToken = deployment.directory.key.peerToken
        #expect(try verifier.verify(request.request, body: request.body) == Self.us)
        // A region with keys gains nothing from the token.
        var keyed = try SignedRequest(as: Self.ap, key: nil)
        keyed.bearerToken = deployment.directory.key.peerToken
        #expect(
            Self.refusal { _ = try verifier.verify(keyed.request, body: keyed.body) }?.code == "peer_unauthenticated"
        )
    }
}
