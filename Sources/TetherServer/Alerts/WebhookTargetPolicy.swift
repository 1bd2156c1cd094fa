public import Foundation
public import TetherCore

/// Which webhook URLs the server posts to. By default only `https` to public addresses: an
/// owner must not be able to make the server post into the network it runs in. The host is
/// resolved and every address it has is checked (loopback, private, link-local, carrier-grade
/// NAT, multicast, unspecified, reserved and documentation ranges are refused, and so are the
/// IPv4-mapped, NAT64 and 6to4 forms of one), and the post then connects to the address that
/// was checked, so a name that resolves differently a moment later reaches nothing else.
/// `tetherd --webhook-targets any` allows every host and plain `http`, for a home server
/// posting to a LAN service, and for tests.
///
/// ```swift
/// let target = try await WebhookTargetPolicy.publicOnly.check(url)  // throws for http://127.1/hook
/// ```
public enum WebhookTargetPolicy: String, Sendable, Hashable, CaseIterable {
    /// `https` to public addresses only.
    case publicOnly = "public"
    /// Any host, `http` or `https`.
    case any

    /// Resolves `url`'s host and checks the policy allows it: where a post to `url` connects.
    /// Asked when the owner sets the webhook and again before every post.
    ///
    /// - Throws: ``TetherError/invalidField(_:_:)`` naming `url`, for a refused scheme or
    ///   address, or a host that does not resolve.
    public func check(_ url: URL) async throws(TetherError) -> WebhookTarget {
        do throws(Refusal) {
            return try await self.target(for: url)
        } catch {
            throw .invalidField("url", error.detail)
        }
    }

    /// Why a URL is not posted to.
    enum Refusal: Error {
        /// The policy refuses it for good (scheme, address).
        case refused(String)
        /// Its host does not resolve now; it may later.
        case unresolved(String)

        /// What the owner is told.
        var detail: String {
            switch self {
            case .refused(let detail), .unresolved(let detail): detail
            }
        }
    }

    /// ``check(_:)``, telling a refusal from a host that does not resolve.
    func target(for url: URL) async throws(Refusal) -> WebhookTarget {
        guard let scheme = url.scheme?.lowercased(), ["http", "https"].contains(scheme) else {
            throw .refused("must be an http or https URL")
        }
        if self == .publicOnly, scheme != "https" {
            throw .refused(
                "must be an https URL; this server posts webhooks over https only (tetherd --webhook-targets any allows http)"
            )
        }
        var host = url.host ?? ""
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty else { throw .refused("must name a host") }
        let name = host.lowercased()
        if self == .publicOnly, name.hasSuffix(".localhost") || name.hasSuffix(".localhost.") {
            throw Self.refusal("names \(host), this machine")
        }
        let addresses: [ResolvedAddress]
        do {
            addresses = try await HostResolver.addresses(of: host)
        } catch let failure as HostResolver.Failure {
            throw .unresolved("names \(host), which does not resolve (\(failure.reason))")
        } catch {
            throw .unresolved("names \(host), which could not be resolved (\(error))")
        }
        if self == .publicOnly {
            for address in addresses {
                guard let kind = address.internalKind else { continue }
                let article = kind.first.map { "aeiouAEIOU".contains($0) } == true ? "an" : "a"
                throw Self.refusal(
                    "\(address)" == host
                        ? "names \(host), \(article) \(kind) address"
                        : "names \(host), which resolves to \(address), \(article) \(kind) address"
                )
            }
        }
        return WebhookTarget(host: host, address: addresses[0], isPinned: self == .publicOnly)
    }

    /// `url names …; this server posts only to public addresses (…)`.
    private static func refusal(_ what: String) -> Refusal {
        .refused("\(what); this server posts only to public addresses (tetherd --webhook-targets any allows others)")
    }
}

/// Where a webhook post connects: the URL's host, and the address checked for it.
public struct WebhookTarget: Sendable, Hashable {
    /// The URL's host (an IPv6 literal without brackets).
    public let host: String
    /// The host's first address (the one `getaddrinfo` prefers).
    public let address: ResolvedAddress
    /// Whether the post connects to ``address`` and nowhere else: under
    /// ``WebhookTargetPolicy/publicOnly``, whose check it passed. Under
    /// ``WebhookTargetPolicy/any`` nothing is refused, so the post resolves the host as usual
    /// and tries each address (a LAN service may listen on IPv4 only while `localhost` names
    /// `::1` first).
    public let isPinned: Bool

    /// `[host: address]` when pinned, as AsyncHTTPClient's `dnsOverride` takes it: the post
    /// connects to ``address`` while TLS still sends, and checks the certificate for, ``host``.
    var dnsOverride: [String: String] {
        guard self.isPinned else { return [:] }
        // AsyncHTTPClient keys an IPv6 literal in brackets, as the URL writes it.
        let key = self.host.contains(":") ? "[\(self.host)]" : self.host
        return [key: "\(self.address)"]
    }
}
