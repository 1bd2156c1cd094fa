import NIOPosix

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Resolves a host to every address it has, with the system's `getaddrinfo` on NIO's blocking
/// thread pool (never on an event loop). Numeric hosts come back as the address they are, in
/// every form `inet_aton` reads (`127.1`, `2130706433`, `0x7f.0.0.1`, `0177.0.0.1`), so a
/// check of the result sees the address a connection would reach.
enum HostResolver {
    /// The host did not resolve.
    struct Failure: Error, CustomStringConvertible {
        let host: String
        let reason: String

        var description: String { "\(self.host) does not resolve (\(self.reason))" }
    }

    /// Every address `host` (a name or an IP literal, IPv6 without brackets) resolves to, in
    /// the order `getaddrinfo` gives them (its preferred first); never empty.
    ///
    /// - Throws: ``Failure`` when it resolves to nothing; `CancellationError`.
    static func addresses(of host: String) async throws -> [ResolvedAddress] {
        try await NIOThreadPool.singleton.runIfActive { try Self.lookUp(host) }
    }

    private static func lookUp(_ host: String) throws(Failure) -> [ResolvedAddress] {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        #if canImport(Glibc)
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        #else
        hints.ai_socktype = SOCK_STREAM
        #endif
        var list: UnsafeMutablePointer<addrinfo>?
        let code = getaddrinfo(host, nil, &hints, &list)
        guard code == 0, let first = list else {
            throw Failure(host: host, reason: String(cString: gai_strerror(code)))
        }
        defer { freeaddrinfo(first) }
        var addresses: [ResolvedAddress] = []
        var next: UnsafeMutablePointer<addrinfo>? = first
        while let info = next {
            next = info.pointee.ai_next
            guard let raw = info.pointee.ai_addr else { continue }
            switch info.pointee.ai_family {
            case AF_INET:
                let address = raw.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { $0.pointee.sin_addr.s_addr }
                addresses.append(.v4(UInt32(bigEndian: address)))
            case AF_INET6:
                let bytes = raw.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { pointer in
                    withUnsafeBytes(of: pointer.pointee.sin6_addr) { Array($0) }
                }
                addresses.append(.v6(bytes))
            default:
                continue
            }
        }
        var seen = Set<ResolvedAddress>()
        addresses = addresses.filter { seen.insert($0).inserted }
        guard !addresses.isEmpty else { throw Failure(host: host, reason: "no IP address") }
        return addresses
    }
}
