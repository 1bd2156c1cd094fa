import Foundation

/// A block of IP addresses in CIDR notation (`10.0.0.0/8`, `2001:db8::/32`, or one address):
/// the proxies whose `X-Forwarded-For` the server believes (`--trusted-proxy`).
///
/// ```swift
/// let proxies = try IPNetwork(parsing: "10.0.0.0/8", field: "trusted-proxy")
/// proxies.contains(IPAddress("10.1.2.3")!)  // true
/// ```
public struct IPNetwork: Sendable, Hashable, CustomStringConvertible {
    /// The network's first address (the host bits cleared).
    public let address: IPAddress
    /// How many leading bits an address must share with ``address`` to be inside.
    public let prefixLength: Int

    /// Parses `ADDRESS/BITS`, or one address (all its bits).
    ///
    /// - Throws: ``TetherError/invalidField(_:_:)`` naming `field`.
    public init(parsing text: String, field: String) throws(TetherError) {
        let parts = text.trimmingCharacters(in: .whitespaces).split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count <= 2, let address = parts.first.flatMap({ IPAddress($0) }) else {
            throw .invalidField(field, "must be an IP address or a CIDR block like 10.0.0.0/8, not '\(text)'")
        }
        let maximum = address.bytes.count * 8
        var length = maximum
        if parts.count == 2 {
            guard let bits = Int(parts[1]), (0...maximum).contains(bits) else {
                throw .invalidField(field, "has a prefix length outside 0-\(maximum) in '\(text)'")
            }
            length = bits
        }
        self.prefixLength = length
        self.address = IPAddress(bytes: Self.masked(address.bytes, to: length))
    }

    /// Whether `candidate` lies inside this block; an IPv4 address is never inside an IPv6 block.
    public func contains(_ candidate: IPAddress) -> Bool {
        candidate.bytes.count == self.address.bytes.count
            && Self.masked(candidate.bytes, to: self.prefixLength) == self.address.bytes
    }

    /// `ADDRESS/BITS`.
    public var description: String { "\(self.address)/\(self.prefixLength)" }

    private static func masked(_ bytes: [UInt8], to length: Int) -> [UInt8] {
        bytes.enumerated().map { index, byte in
            let bits = min(max(length - index * 8, 0), 8)
            return bits == 8 ? byte : byte & ~(UInt8(0xff) >> bits)
        }
    }
}

extension IPAddress {
    /// An address of exactly these 4 or 16 bytes.
    init(bytes: [UInt8]) {
        self.bytes = bytes
    }
}
