import Testing
import TetherCore

/// Addresses and CIDR blocks: what `--trusted-proxy` and the CLI's loopback check read.
struct IPNetworkTests {
    @Test(arguments: [
        ("127.0.0.1", true), ("127.255.0.9", true), ("::1", true), ("[::1]", true), ("::ffff:127.0.0.1", true),
        ("128.0.0.1", false), ("10.0.0.1", false), ("::2", false), ("192.0.2.1", false),
    ])
    func loopbackIs127Slash8AndColonColonOne(address: String, loopback: Bool) {
        #expect(IPAddress(address)?.isLoopback == loopback)
    }

    @Test func hostsAreLoopbackOnlyByNameLocalhostOrALoopbackAddress() {
        #expect(IPAddress.isLoopbackHost("localhost"))
        #expect(IPAddress.isLoopbackHost("LOCALHOST"))
        #expect(IPAddress.isLoopbackHost("127.0.0.1"))
        #expect(IPAddress.isLoopbackHost("[::1]"))
        #expect(!IPAddress.isLoopbackHost("example.org"))
        #expect(!IPAddress.isLoopbackHost("127.0.0.1.example.org"))
        #expect(!IPAddress.isLoopbackHost("0.0.0.0"))
    }

    @Test func anIPv4MappedAddressReadsAsItsIPv4Address() throws {
        #expect(IPAddress("::ffff:192.0.2.7") == IPAddress("192.0.2.7"))
        #expect(IPAddress("::ffff:192.0.2.7")?.description == "192.0.2.7")
        #expect(IPAddress("2001:DB8:0:0::1")?.description == "2001:db8::1")
        #expect(IPAddress("not an address") == nil)
        #expect(IPAddress("300.1.1.1") == nil)
    }

    @Test func blocksContainTheAddressesSharingTheirPrefix() throws {
        let private10 = try IPNetwork(parsing: "10.0.0.0/8", field: "trusted-proxy")
        #expect(private10.contains(IPAddress("10.200.3.4")!))
        #expect(!private10.contains(IPAddress("11.0.0.1")!))
        let odd = try IPNetwork(parsing: "192.168.1.77/26", field: "trusted-proxy")
        #expect(odd.description == "192.168.1.64/26")
        #expect(odd.contains(IPAddress("192.168.1.127")!))
        #expect(!odd.contains(IPAddress("192.168.1.128")!))
        let single = try IPNetwork(parsing: " 203.0.113.9 ", field: "trusted-proxy")
        #expect(single.contains(IPAddress("203.0.113.9")!))
        #expect(!single.contains(IPAddress("203.0.113.8")!))
        let v6 = try IPNetwork(parsing: "2001:db8::/32", field: "trusted-proxy")
        #expect(v6.contains(IPAddress("2001:db8:ffff::1")!))
        #expect(!v6.contains(IPAddress("2001:db9::1")!))
        #expect(!v6.contains(IPAddress("10.0.0.1")!))
        #expect(try IPNetwork(parsing: "0.0.0.0/0", field: "trusted-proxy").contains(IPAddress("8.8.8.8")!))
    }

    @Test(arguments: ["10.0.0.0/33", "10.0.0.0/", "example.org", "10.0.0.0/8/8", "::/129", ""])
    func aBadBlockNamesTheSetting(text: String) {
        #expect(invalidField { _ = try IPNetwork(parsing: text, field: "trusted-proxy") } == "trusted-proxy")
    }
}
