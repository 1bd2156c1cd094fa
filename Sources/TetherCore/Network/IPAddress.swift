#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An IPv4 or IPv6 address, parsed from text: what the server compares a peer and
/// `X-Forwarded-For` entries against (``IPNetwork``), and what the CLI asks of a server's host
/// (``isLoopback``).
///
/// An IPv4-mapped IPv6 address (`::ffff:192.0.2.1`) is read as the IPv4 address it carries, so
/// one client has one address however its socket saw it.
///
/// ```swift
/// IPAddress("::ffff:127.0.0.1")?.isLoopback  // true
/// IPAddress("192.0.2.1")?.description      // "192.0.2.1"
/// ```
public struct IPAddress: Sendable, Hashable, CustomStringConvertible {
    /// The address's bytes in network order: 4 for IPv4, 16 for IPv6.
    public let bytes: [UInt8]

    /// Parses `text` (`192.0.2.1`, `2001:db8::1`, `[::1]`); `nil` when it is no address.
    public init?(_ text: some StringProtocol) {
        var text = String(text)
        if text.hasPrefix("["), text.hasSuffix("]") {
            text = String(text.dropFirst().dropLast())
        }
        if let bytes = Self.parse(text, family: AF_INET, count: 4) {
            self.bytes = bytes
        } else if let bytes = Self.parse(text, family: AF_INET6, count: 16) {
            let mappedPrefix: [UInt8] = Array(repeating: 0, count: 10) + [0xff, 0xff]
            self.bytes = Array(bytes.prefix(12)) == mappedPrefix ? Array(bytes.suffix(4)) : bytes
        } else {
            return nil
        }
    }

    /// Whether this is an IPv4 address (IPv4-mapped IPv6 included).
    public var isIPv4: Bool { self.bytes.count == 4 }

    /// Whether this is a loopback address: `127.0.0.0/8` or `::1`.
    public var isLoopback: Bool {
        self.isIPv4 ? self.bytes[0] == 127 : self.bytes == Array(repeating: 0, count: 15) + [1]
    }

    /// The address in its usual text form (`192.0.2.1`, `2001:db8::1`).
    public var description: String {
        let family = self.isIPv4 ? AF_INET : AF_INET6
        var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        let written = self.bytes.withUnsafeBytes { bytes in
            inet_ntop(family, bytes.baseAddress, &text, socklen_t(text.count))
        }
        guard written != nil else { return self.bytes.map(String.init).joined(separator: ".") }
        return String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Whether `host` (a URL's host: a name or an address) names this machine: `localhost`,
    /// `127.0.0.0/8` or `::1`. Other names are not resolved, so they never count as loopback.
    public static func isLoopbackHost(_ host: String) -> Bool {
        let lowered = host.lowercased()
        if lowered == "localhost" || lowered.hasSuffix(".localhost") { return true }
        return IPAddress(lowered)?.isLoopback ?? false
    }

    private static func parse(_ text: String, family: Int32, count: Int) -> [UInt8]? {
        var bytes = [UInt8](repeating: 0, count: count)
        let parsed = bytes.withUnsafeMutableBytes { buffer in
            inet_pton(family, text, buffer.baseAddress)
        }
        return parsed == 1 ? bytes : nil
    }
}
