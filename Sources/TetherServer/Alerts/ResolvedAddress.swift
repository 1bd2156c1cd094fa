#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// An IP address a host name resolved to, and whether it belongs to this machine or a network
/// the server runs in: what ``WebhookTargetPolicy/publicOnly`` refuses to post to.
public enum ResolvedAddress: Sendable, Hashable, CustomStringConvertible {
    /// An IPv4 address, in host byte order.
    case v4(UInt32)
    /// An IPv6 address, its 16 bytes in network order.
    case v6([UInt8])

    /// The address as `inet_ntop` writes it (`127.0.0.1`, `::1`): what a connection is pinned to.
    public var description: String {
        switch self {
        case .v4(let address):
            return Self.text(family: AF_INET, of: withUnsafeBytes(of: address.bigEndian) { Array($0) })
        case .v6(let bytes):
            return Self.text(family: AF_INET6, of: bytes)
        }
    }

    /// Why the address is not a public one (`loopback`, `private`, …), or `nil` when it is public.
    public var internalKind: String? {
        switch self {
        case .v4(let address): Self.kind(ipv4: address)
        case .v6(let bytes): Self.kind(ipv6: bytes)
        }
    }

    /// `inet_ntop` of the address `bytes` (in network order).
    private static func text(family: Int32, of bytes: [UInt8]) -> String {
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        bytes.withUnsafeBytes { raw in
            _ = inet_ntop(family, raw.baseAddress, &buffer, socklen_t(buffer.count))
        }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// IPv4 ranges that are not the public internet (RFC 6890 and friends).
    private static let ipv4Ranges: [(base: UInt32, bits: UInt32, kind: String)] = [
        (0x0000_0000, 8, "unspecified"),  // 0.0.0.0/8, "this network"
        (0x0A00_0000, 8, "private"),  // 10.0.0.0/8
        (0x6440_0000, 10, "carrier-grade NAT"),  // 100.64.0.0/10
        (0x7F00_0000, 8, "loopback"),  // 127.0.0.0/8
        (0xA9FE_0000, 16, "link-local"),  // 169.254.0.0/16
        (0xAC10_0000, 12, "private"),  // 172.16.0.0/12
        (0xC000_0000, 24, "IETF protocol assignment"),  // 192.0.0.0/24
        (0xC000_0200, 24, "documentation"),  // 192.0.2.0/24
        (0xC058_6300, 24, "6to4 relay"),  // 192.88.99.0/24
        (0xC0A8_0000, 16, "private"),  // 192.168.0.0/16
        (0xC612_0000, 15, "benchmarking"),  // 198.18.0.0/15
        (0xC633_6400, 24, "documentation"),  // 198.51.100.0/24
        (0xCB00_7100, 24, "documentation"),  // 203.0.113.0/24
        (0xE000_0000, 4, "multicast"),  // 224.0.0.0/4
        (0xF000_0000, 4, "reserved"),  // 240.0.0.0/4, with 255.255.255.255 (broadcast)
    ]

    private static func kind(ipv4 address: UInt32) -> String? {
        self.ipv4Ranges.first { range in address & (~UInt32(0) << (32 - range.bits)) == range.base }?.kind
    }

    private static func kind(ipv6 bytes: [UInt8]) -> String? {
        guard bytes.count == 16 else { return "malformed" }
        func v4(at offset: Int) -> UInt32 {
            bytes[offset..<offset + 4].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        }
        func zero(_ range: Range<Int>) -> Bool { bytes[range].allSatisfy { $0 == 0 } }
        if zero(0..<15), bytes[15] == 1 { return "loopback" }
        if zero(0..<16) { return "unspecified" }
        // ::a.b.c.d, IPv4-compatible (deprecated; nothing public is reached that way).
        if zero(0..<12) { return "IPv4-compatible" }
        // ::ffff:a.b.c.d (IPv4-mapped) and ::ffff:0:a.b.c.d (IPv4-translated): the IPv4 address is what is reached.
        if zero(0..<10), bytes[10] == 0xff, bytes[11] == 0xff { return self.kind(ipv4: v4(at: 12)) }
        if zero(0..<8), bytes[8] == 0xff, bytes[9] == 0xff, zero(10..<12) { return self.kind(ipv4: v4(at: 12)) }
        // 64:ff9b::/96, NAT64 well-known prefix: the embedded IPv4 address is what is reached.
        if bytes[0..<4] == [0x00, 0x64, 0xff, 0x9b], zero(4..<12) { return self.kind(ipv4: v4(at: 12)) }
        // 64:ff9b:1::/48, NAT64 for local use.
        if bytes[0..<6] == [0x00, 0x64, 0xff, 0x9b, 0x00, 0x01] { return "local NAT64" }
        // 2002::/16, 6to4: the IPv4 address in bytes 2–5 is what is reached.
        if bytes[0] == 0x20, bytes[1] == 0x02 { return self.kind(ipv4: v4(at: 2)) }
        // 2001::/32, Teredo: tunnels to an address it hides.
        if bytes[0..<4] == [0x20, 0x01, 0x00, 0x00] { return "Teredo" }
        if bytes[0..<4] == [0x20, 0x01, 0x0d, 0xb8] { return "documentation" }  // 2001:db8::/32
        if bytes[0..<2] == [0x01, 0x00], zero(2..<8) { return "discard-only" }  // 100::/64
        if bytes[0] & 0xfe == 0xfc { return "private" }  // fc00::/7, unique local
        if bytes[0] == 0xfe, bytes[1] & 0xc0 == 0x80 { return "link-local" }  // fe80::/10
        if bytes[0] == 0xfe, bytes[1] & 0xc0 == 0xc0 { return "site-local" }  // fec0::/10 (deprecated)
        if bytes[0] == 0xff { return "multicast" }  // ff00::/8
        return nil
    }
}
