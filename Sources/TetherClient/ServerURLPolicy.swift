public import Foundation
import TetherCore

/// Where a client may send secrets (passwords, tokens, pairing codes): never in plain `http`
/// across a network.
///
/// ```swift
/// ServerURLPolicy.isPlainHTTPOffLoopback(URL(string: "http://192.0.2.1:8080")!)  // true
/// ServerURLPolicy.mayFollowWithCredentials(
///     from: URL(string: "https://eu.example.com")!, to: URL(string: "http://us.example.com")!
/// )  // false
/// ```
public enum ServerURLPolicy {
    /// Whether `url`'s host is this machine: `localhost`, `127.0.0.0/8` or `::1`. Names other
    /// than `localhost` are not resolved, so they never count.
    public static func isLoopback(_ url: URL) -> Bool {
        guard let host = url.host else { return false }
        return IPAddress.isLoopbackHost(host)
    }

    /// Whether a request to `url` would cross a network in the clear: `http` to a host that is
    /// not loopback.
    public static func isPlainHTTPOffLoopback(_ url: URL) -> Bool {
        url.scheme?.lowercased() != "https" && !Self.isLoopback(url)
    }

    /// Whether a request that carries a secret, sent to `old`, may be sent again to `new`, the
    /// `home_url` of a `421 wrong_region` answer: only when `new` is `https`, or both are
    /// loopback (a server may name any URL; a password must not follow it into plain text).
    public static func mayFollowWithCredentials(from old: URL, to new: URL) -> Bool {
        new.scheme?.lowercased() == "https" || (Self.isLoopback(old) && Self.isLoopback(new))
    }
}
