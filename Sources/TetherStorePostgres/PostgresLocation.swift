import Foundation
public import TetherCore

/// Where a PostgreSQL database is: parsed from a `postgres://user@host:port/database?sslmode=…`
/// URL, as `tetherd --database` takes it.
///
/// The password never travels in the URL (it would end up on a command line and in logs): it
/// comes from `TETHER_DATABASE_PASSWORD` or `--database-password-file`. ``redacted`` is the form
/// that may be logged.
///
/// ```swift
/// let location = try PostgresLocation(url: "postgres://tether@db.internal:5432/tether?sslmode=verify-full")
/// ```
public struct PostgresLocation: Sendable, Hashable, CustomStringConvertible {
    /// How the connection is protected, with libpq's names.
    public enum TLSMode: String, Sendable, Hashable, CaseIterable {
        /// Plain TCP.
        case disable
        /// TLS when the server offers it, plain otherwise (libpq's default).
        case prefer
        /// TLS, without checking the server's certificate.
        case require
        /// TLS, checking the certificate against the CA file and the host name.
        case verifyFull = "verify-full"
    }

    /// The user name.
    public var user: String
    /// The host name or address.
    public var host: String
    /// The TCP port.
    public var port: Int
    /// The database name.
    public var database: String
    /// How the connection is protected.
    public var tlsMode: TLSMode

    /// Parses `url`; the field named in errors is `field`.
    ///
    /// - Throws: ``TetherError/invalidField(_:_:)`` naming `field` when the URL is not a
    ///   PostgreSQL URL Tether can use, or when it carries a password.
    public init(url: String, field: String = "database") throws(TetherError) {
        guard let components = URLComponents(string: url),
            let scheme = components.scheme?.lowercased(), scheme == "postgres" || scheme == "postgresql"
        else {
            throw .invalidField(field, "must be sqlite:PATH or postgres://user@host:port/database")
        }
        if components.password != nil {
            throw .invalidField(
                field,
                "must not carry a password; give it in TETHER_DATABASE_PASSWORD or --database-password-file"
            )
        }
        guard let user = components.user, !user.isEmpty else {
            throw .invalidField(field, "must name a user: postgres://user@host:port/database")
        }
        guard let host = components.host, !host.isEmpty else {
            throw .invalidField(field, "must name a host: postgres://user@host:port/database")
        }
        let database = String(components.path.drop(while: { $0 == "/" }))
        guard !database.isEmpty, !database.contains("/") else {
            throw .invalidField(field, "must name one database: postgres://user@host:port/database")
        }
        var tlsMode = TLSMode.prefer
        for item in components.queryItems ?? [] {
            switch item.name {
            case "sslmode":
                guard let mode = item.value.flatMap(TLSMode.init(rawValue:)) else {
                    let modes = TLSMode.allCases.map(\.rawValue).joined(separator: ", ")
                    throw .invalidField(field, "sslmode must be one of \(modes)")
                }
                tlsMode = mode
            default:
                throw .invalidField(field, "has an unknown parameter \(item.name); only sslmode is read")
            }
        }
        self.user = user.removingPercentEncoding ?? user
        self.host = host
        self.port = components.port ?? 5432
        self.database = database.removingPercentEncoding ?? database
        self.tlsMode = tlsMode
    }

    /// The URL with every part but the password (which it never holds): safe to log.
    public var redacted: String {
        "postgres://\(self.user)@\(self.host):\(self.port)/\(self.database)?sslmode=\(self.tlsMode.rawValue)"
    }

    public var description: String { self.redacted }

    /// The same server and user, another database (tests make one per test).
    public func with(database: String) -> PostgresLocation {
        var copy = self
        copy.database = database
        return copy
    }
}
