#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Which webhook URLs the server posts to. By default only public hosts: an owner must not be
/// able to make the server post into the network it runs in (loopback, private and link-local
/// addresses, `localhost`). `tetherd --webhook-targets any` allows those too, for a home
/// server posting to a LAN service, and for tests.
///
/// Host names are not resolved: a public name that resolves to a private address is posted to.
public enum WebhookTargetPolicy: String, Sendable, Hashable, CaseIterable {
    /// Public hosts only.
    case publicOnly = "public"
    /// Any host.
    case any

    /// Whether the policy allows posting to `host` (a name or an IP literal, IPv6 with or without brackets).
    public func allows(host: String) -> Bool {
        self == .any || !Self.isInternal(host: host)
    }

    /// Whether `host` names this machine or a private network.
    static func isInternal(host: String) -> Bool {
        var host = host.lowercased()
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        if host == "localhost" || host.hasSuffix(".localhost") || host.isEmpty { return true }
        var v4 = in_addr()
        if inet_pton(AF_INET, host, &v4) == 1 {
            return Self.isInternal(ipv4: UInt32(bigEndian: v4.s_addr))
        }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, host, &v6) == 1 {
            let bytes = withUnsafeBytes(of: v6) { Array($0) }
            if bytes.allSatisfy({ $0 == 0 }) || bytes == [UInt8](repeating: 0, count: 15) + [1] { return true }
            if bytes[0] & 0xfe == 0xfc { return true }  // fc00::/7, unique local
            if bytes[0] == 0xfe, bytes[1] & 0xc0 == 0x80 { return true }  // fe80::/10, link-local
            if bytes[0..<10].allSatisfy({ $0 == 0 }), bytes[10] == 0xff, bytes[11] == 0xff {
                // An IPv4-mapped address.
                let v4 = bytes[12...].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
                return Self.isInternal(ipv4: v4)
            }
            return false
        }
        return false
    }

    private static func isInternal(ipv4 address: UInt32) -> Bool {
        let ranges: [(base: UInt32, bits: UInt32)] = [
            (0x0000_0000, 8),  // 0.0.0.0/8, this network
            (0x0A00_0000, 8),  // 10.0.0.0/8
            (0x6440_0000, 10),  // 100.64.0.0/10, carrier-grade NAT
            (0x7F00_0000, 8),  // 127.0.0.0/8, loopback
            (0xA9FE_0000, 16),  // 169.254.0.0/16, link-local
            (0xAC10_0000, 12),  // 172.16.0.0/12
            (0xC0A8_0000, 16),  // 192.168.0.0/16
        ]
        return ranges.contains { range in
            let mask: UInt32 = range.bits == 0 ? 0 : ~UInt32(0) << (32 - range.bits)
            return address & mask == range.base
        }
    }
}
