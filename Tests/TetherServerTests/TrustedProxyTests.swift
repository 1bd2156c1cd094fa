import Foundation
import HTTPTypes
import Testing
import TetherCore
import TetherServer
import TetherTesting

/// `X-Forwarded-For` is believed only from a trusted proxy (`--trusted-proxy CIDR`): the client
/// address that per-address limits key on cannot be chosen by a client.
struct TrustedProxyTests {
    private func proxies(_ blocks: String...) throws -> TrustedProxies {
        TrustedProxies(try blocks.map { try IPNetwork(parsing: $0, field: "trusted-proxy") })
    }

    @Test func withoutTrustedProxiesThePeerIsTheClientWhateverTheHeaderSays() {
        let none = TrustedProxies()
        #expect(none.clientAddress(peer: "192.0.2.1", forwardedFor: ["198.51.100.7"]) == "192.0.2.1")
        #expect(none.clientAddress(peer: "::ffff:192.0.2.1", forwardedFor: []) == "192.0.2.1")
        #expect(none.clientAddress(peer: nil, forwardedFor: ["198.51.100.7"]) == nil)
    }

    @Test func aTrustedPeerNamesTheRightMostAddressThatIsNotItselfTrusted() throws {
        let proxies = try self.proxies("10.0.0.0/8", "127.0.0.1")
        // An untrusted peer's header is ignored.
        #expect(proxies.clientAddress(peer: "192.0.2.1", forwardedFor: ["198.51.100.7"]) == "192.0.2.1")
        // A trusted peer's is read from the right, past the proxies, to the first other address:
        // what a client wrote on the left is not believed.
        #expect(
            proxies.clientAddress(peer: "10.0.0.5", forwardedFor: ["203.0.113.66, 198.51.100.7, 10.0.0.9"])
                == "198.51.100.7"
        )
        // Several header fields read as one list, in order.
        #expect(
            proxies.clientAddress(peer: "127.0.0.1", forwardedFor: ["203.0.113.66", "198.51.100.7"]) == "198.51.100.7"
        )
        // All trusted: the left-most; no header: the peer; garbage ends the walk at the last address read.
        #expect(proxies.clientAddress(peer: "10.0.0.5", forwardedFor: ["10.0.0.7, 10.0.0.8"]) == "10.0.0.7")
        #expect(proxies.clientAddress(peer: "10.0.0.5", forwardedFor: []) == "10.0.0.5")
        #expect(proxies.clientAddress(peer: "10.0.0.5", forwardedFor: ["unknown, 10.0.0.8"]) == "10.0.0.8")
        #expect(proxies.clientAddress(peer: "10.0.0.5", forwardedFor: ["[2001:db8::7]"]) == "2001:db8::7")
    }

    /// Wrong pairing codes count per client address. From an untrusted peer, a new
    /// `X-Forwarded-For` is no new client: the limit holds. Behind a trusted proxy each forwarded
    /// address has its own budget.
    @Test(arguments: [false, true])
    func theClaimLimitKeysOnTheForwardedAddressOnlyFromATrustedProxy(trusted: Bool) async throws {
        var config = ServerConfig.testing
        config.claimFailureLimit = 2
        if trusted { config.trustedProxies = try self.proxies("127.0.0.1/32") }
        try await TestServer.withRunning(config: config) { server in
            for _ in 0..<2 {
                let wrong = try await self.claim(on: server, forwardedFor: "203.0.113.5")
                #expect(wrong.status.code == 404)
            }
            let limited = try await self.claim(on: server, forwardedFor: "203.0.113.5")
            #expect(limited.status.code == 429)

            let other = try await self.claim(on: server, forwardedFor: "203.0.113.6")
            #expect(other.status.code == (trusted ? 404 : 429))
        }
    }

    private func claim(on server: TestServer, forwardedFor: String) async throws -> HTTPResponse {
        var headers: HTTPFields = [.contentType: "application/json"]
        headers[HTTPField.Name("X-Forwarded-For")!] = forwardedFor
        let body = #"{"code": "\#(PairingCode.random())", "serial": "SN-1", "model": "TAG-1"}"#
        return try await server.send(.post, "/v1/devices/claim", headers: headers, body: Data(body.utf8)).0
    }
}
