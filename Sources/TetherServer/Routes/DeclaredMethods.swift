/// The methods the contract declares for each path template (`/v1/devices/{deviceId}`), to
/// answer a method a path does not take with `405` and the `Allow` header.
///
/// A request path matches a template segment by segment, `{…}` matching any one segment; of
/// several matching templates the most specific wins (a literal segment before a parameter, at
/// the first segment where they differ), as the router picks its routes.
struct DeclaredMethods: Sendable {
    private struct Template: Sendable {
        /// Each segment, `nil` for a parameter.
        let segments: [Substring?]
        var methods: Set<String>
    }

    private var templates: [Template] = []

    /// Reads operations written `"METHOD /path"` (as ``GeneratedRoutes`` records them).
    init(operations: some Sequence<String>) {
        var byPath: [String: Set<String>] = [:]
        for operation in operations {
            guard let space = operation.firstIndex(of: " ") else { continue }
            byPath[String(operation[space...].dropFirst()), default: []].insert(String(operation[..<space]))
        }
        self.templates = byPath.map { path, methods in
            Template(segments: Self.segments(path).map { Self.isParameter($0) ? nil : $0 }, methods: methods)
        }
    }

    /// The methods of the most specific template `path` matches, sorted; `nil` when none matches.
    func allowed(for path: String) -> [String]? {
        let segments = Self.segments(path)
        let matching = self.templates.filter { template in
            template.segments.count == segments.count
                && zip(template.segments, segments).allSatisfy { literal, segment in
                    literal.map { $0 == segment } ?? true
                }
        }
        let best = matching.min { lhs, rhs in
            // Literal (non-nil) sorts before parameter at the first segment where they differ.
            for (left, right) in zip(lhs.segments, rhs.segments) where (left == nil) != (right == nil) {
                return left != nil
            }
            return false
        }
        return best.map { $0.methods.sorted() }
    }

    private static func segments(_ path: String) -> [Substring] {
        path.split(separator: "/", omittingEmptySubsequences: true)
    }

    private static func isParameter(_ segment: Substring) -> Bool {
        segment.hasPrefix("{") && segment.hasSuffix("}")
    }
}
