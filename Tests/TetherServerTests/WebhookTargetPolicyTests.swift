import Foundation
import Testing
import TetherCore
import TetherServer

/// Which webhook URLs the server posts to: the host is resolved and every address checked, in
/// whatever form the URL writes it.
@Suite struct WebhookTargetPolicyTests {
    /// Each is (a form of) an address inside the server's network, or the machine itself.
    @Test(arguments: [
        // Loopback as inet_aton reads it: short, decimal, hexadecimal, octal.
        "https://127.1/hook", "https://2130706433/hook", "https://0x7f.0.0.1/hook", "https://0177.0.0.1/hook",
        "https://127.0.0.1:8443/hook", "https://[::1]/hook",
        // Names of this machine: resolved (localhost) or by name (*.localhost).
        "https://localhost/hook", "https://LocalHost:8443/hook", "https://hooks.localhost/hook",
        "https://hooks.localhost./hook",
        // IPv4-mapped, NAT64 and 6to4 forms of loopback and private addresses.
        "https://[::ffff:127.0.0.1]/hook", "https://[::ffff:7f00:1]/hook", "https://[64:ff9b::7f00:1]/hook",
        "https://[64:ff9b::10.0.0.1]/hook", "https://[64:ff9b:1::8.8.8.8]/hook", "https://[2002:c0a8:101::1]/hook",
        "https://[::127.0.0.1]/hook",
        // Private, carrier-grade NAT, link-local (cloud metadata), unspecified, multicast, broadcast, reserved.
        "https://10.1.2.3/hook", "https://172.16.0.1/hook", "https://192.168.1.20/hook", "https://100.64.0.1/hook",
        "https://169.254.169.254/latest", "https://0.0.0.0/hook", "https://0/hook", "https://[::]/hook",
        "https://224.0.0.1/hook", "https://[ff02::1]/hook", "https://255.255.255.255/hook", "https://240.0.0.1/hook",
        "https://192.0.0.8/hook", "https://198.18.0.1/hook", "https://[fd00::1]/hook", "https://[fe80::1]/hook",
        "https://192.0.2.1/hook", "https://[2001:db8::1]/hook",
    ])
    func internalAddressesAreRefused(url: String) async throws {
        let error = await #expect(throws: TetherError.self) {
            try await WebhookTargetPolicy.publicOnly.check(try #require(URL(string: url)))
        }
        #expect(error?.field == "url")
        #expect(error?.detail.contains("posts only to public addresses") == true, "\(String(describing: error))")
        // Allowed with `--webhook-targets any` (where it resolves).
        if !url.contains(".localhost") {
            _ = try await WebhookTargetPolicy.any.check(try #require(URL(string: url)))
        }
    }

    @Test func theRefusalSaysWhatTheHostIs() async throws {
        let short = await #expect(throws: TetherError.self) {
            try await WebhookTargetPolicy.publicOnly.check(try #require(URL(string: "https://127.1/hook")))
        }
        #expect(short?.detail.hasPrefix("url names 127.1, which resolves to 127.0.0.1, a loopback address;") == true)
        let literal = await #expect(throws: TetherError.self) {
            try await WebhookTargetPolicy.publicOnly.check(try #require(URL(string: "https://10.0.0.1/hook")))
        }
        #expect(literal?.detail.hasPrefix("url names 10.0.0.1, a private address;") == true)
        // A name is resolved: localhost is refused for the address it has, not for its name.
        let name = await #expect(throws: TetherError.self) {
            try await WebhookTargetPolicy.publicOnly.check(try #require(URL(string: "https://localhost/hook")))
        }
        #expect(name?.detail.hasPrefix("url names localhost, which resolves to ") == true)
        #expect(name?.detail.contains(", a loopback address") == true)
    }

    @Test(arguments: [
        "https://1.1.1.1/hook", "https://8.8.8.8:8443/hook", "https://[2606:4700:4700::1111]/hook",
        "https://[64:ff9b::8.8.8.8]/hook", "https://[::ffff:1.1.1.1]/hook",
    ])
    func publicAddressesAreAllowedAndPinned(url: String) async throws {
        let target = try await WebhookTargetPolicy.publicOnly.check(try #require(URL(string: url)))
        let host = try #require(URL(string: url)?.host).trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        #expect(target.host == host)
        #expect(target.address.internalKind == nil)
        #expect(target.isPinned)
    }

    @Test func aNumericHostIsTheAddressItMeans() async throws {
        let target = try await WebhookTargetPolicy.publicOnly.check(
            try #require(URL(string: "https://0x8.8.2056/hook"))
        )
        #expect(target.host == "0x8.8.2056")
        #expect("\(target.address)" == "8.8.8.8")
        #expect(target.isPinned)
        let local = try await WebhookTargetPolicy.any.check(try #require(URL(string: "http://0x7f.1:8080/hook")))
        #expect("\(local.address)" == "127.0.0.1")
        #expect(!local.isPinned)
    }

    @Test func plainHTTPIsRefusedUnlessAnyTargetIsAllowed() async throws {
        let url = try #require(URL(string: "http://1.1.1.1/hook"))
        let error = await #expect(throws: TetherError.self) {
            try await WebhookTargetPolicy.publicOnly.check(url)
        }
        #expect(error?.field == "url")
        #expect(error?.detail.contains("https") == true)
        _ = try await WebhookTargetPolicy.any.check(url)
    }

    @Test(arguments: WebhookTargetPolicy.allCases)
    func aHostThatDoesNotResolveIsRefused(policy: WebhookTargetPolicy) async throws {
        // `.invalid` never resolves (RFC 6761).
        let error = await #expect(throws: TetherError.self) {
            try await policy.check(try #require(URL(string: "https://hooks.example.invalid/hook")))
        }
        #expect(error?.field == "url")
        #expect(error?.detail.contains("does not resolve") == true, "\(String(describing: error))")
    }
}
