import Foundation
public import TetherCore

/// Who sent a request: the one place the server decides a client's address.
///
/// The socket's peer is the client, unless the peer lies inside a trusted proxy block
/// (`--trusted-proxy CIDR`); then `X-Forwarded-For` is believed, read from the right (each proxy
/// appends the address it saw) up to the first address that is not itself a trusted proxy.
/// With no trusted proxies, `X-Forwarded-For` is never read: any client could write it.
///
/// ```swift
/// let proxies = TrustedProxies([try IPNetwork(parsing: "10.0.0.0/8", field: "trusted-proxy")])
/// proxies.clientAddress(peer: "10.0.0.5", forwardedFor: ["198.51.100.7, 10.0.0.9"])  // "198.51.100.7"
/// proxies.clientAddress(peer: "192.0.2.1", forwardedFor: ["198.51.100.7"])           // "192.0.2.1"
/// ```
public struct TrustedProxies: Sendable, Hashable {
    /// The blocks whose connections may name the client in `X-Forwarded-For`.
    public var networks: [IPNetwork]

    /// Trusts the proxies in `networks`; none by default.
    public init(_ networks: [IPNetwork] = []) {
        self.networks = networks
    }

    /// Whether `address` is a trusted proxy.
    public func trusts(_ address: IPAddress) -> Bool {
        self.networks.contains { $0.contains(address) }
    }

    /// The client's address, in its usual text form.
    ///
    /// - Parameters:
    ///   - peer: The socket peer's address.
    ///   - forwardedFor: The values of every `X-Forwarded-For` field, in the order they came.
    /// - Returns: The peer, unless it is a trusted proxy; then the right-most forwarded address
    ///   not itself trusted (or the left-most, when all are). An entry that is no address ends
    ///   the walk: the last address read is the client.
    public func clientAddress(peer: String?, forwardedFor: [String]) -> String? {
        guard let peer, let peerAddress = IPAddress(peer) else { return peer }
        guard self.trusts(peerAddress) else { return peerAddress.description }
        let entries = forwardedFor.flatMap { $0.split(separator: ",") }
        var client = peerAddress
        for entry in entries.reversed() {
            guard let address = IPAddress(entry.trimmingCharacters(in: .whitespaces)) else { break }
            client = address
            if !self.trusts(address) { break }
        }
        return client.description
    }
}
