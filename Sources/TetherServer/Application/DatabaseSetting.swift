public import Foundation
public import TetherCore

/// Which database a region keeps its records in: `tetherd --database` (`TETHER_DATABASE`).
///
/// `sqlite:PATH` names the SQLite file (the embedded default, `sqlite:<data-dir>/tether.sqlite`);
/// `postgres://user@host:port/database?sslmode=…` names a PostgreSQL database, whose URL the
/// PostgreSQL backend checks in full when it opens. Either way `--data-dir` keeps blobs and keys.
public enum DatabaseSetting: Sendable, Equatable, CustomStringConvertible {
    /// An SQLite file.
    case sqlite(file: URL)
    /// A PostgreSQL database; the URL carries no password.
    case postgres(url: String)

    /// Reads the setting's text; `dataDirectory` gives the default file.
    ///
    /// - Throws: ``TetherCore/TetherError/invalidField(_:_:)`` naming `database`.
    public init(_ text: String?, dataDirectory: URL) throws(TetherError) {
        guard let text = text?.trimmingCharacters(in: .whitespaces), !text.isEmpty else {
            self = .sqlite(file: dataDirectory.appendingPathComponent("tether.sqlite"))
            return
        }
        let lowered = text.lowercased()
        if lowered.hasPrefix("sqlite:") {
            let path = String(text.dropFirst("sqlite:".count))
            guard !path.isEmpty else { throw .invalidField("database", "must name a file: sqlite:PATH") }
            self = .sqlite(file: URL(fileURLWithPath: path))
        } else if lowered.hasPrefix("postgres://") || lowered.hasPrefix("postgresql://") {
            self = .postgres(url: text)
        } else {
            throw .invalidField("database", "must be sqlite:PATH or postgres://user@host:port/database")
        }
    }

    /// The setting as it may be logged: a PostgreSQL URL never holds a password (the backend
    /// refuses one), and any query part but `sslmode` is dropped.
    public var redacted: String {
        switch self {
        case .sqlite(let file): return "sqlite:\(file.path)"
        case .postgres(let url):
            guard var components = URLComponents(string: url) else { return "postgres://(unparsable)" }
            components.password = nil
            components.queryItems = components.queryItems?.filter { $0.name == "sslmode" }
            return components.string ?? "postgres://(unparsable)"
        }
    }

    public var description: String {
        switch self {
        case .sqlite(let file): "sqlite:\(file.path)"
        case .postgres(let url): url
        }
    }
}
