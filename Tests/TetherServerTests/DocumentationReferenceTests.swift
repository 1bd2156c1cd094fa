import Foundation
import Testing

/// The README and the protocol documents cite tests and routes by name; a rename or a typo must
/// not leave them pointing at nothing. Every test type or test function they cite is defined
/// under `Tests/` or `simulators/Tests/`, and every `METHOD /path` they cite is an operation of
/// `protocols/openapi.yaml`.
@Suite
struct DocumentationReferenceTests {
    /// The paths that are Tether's own (the documents also show a webhook receiver's, say).
    private static let ownPathPrefixes = ["/v1/", "/health", "/metrics"]

    /// The repository's root, found from this file's place in it.
    private static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    private static func documents() throws -> [(name: String, text: String)] {
        let protocols = root.appendingPathComponent("protocols")
        let markdown = try FileManager.default.contentsOfDirectory(atPath: protocols.path)
            .filter { $0.hasSuffix(".md") }
            .sorted()
            .map { protocols.appendingPathComponent($0) }
        return try ([root.appendingPathComponent("README.md")] + markdown).map { file in
            (file.lastPathComponent, try String(contentsOf: file, encoding: .utf8))
        }
    }

    // MARK: Tests

    @Test
    func everyCitedTestExists() throws {
        let tests = try TestSources.read(from: Self.root)
        var checked = 0
        for document in try Self.documents() {
            for citation in Self.matches(
                of: #"\b([A-Z][A-Za-z0-9]*Tests)(?:\.([a-z][A-Za-z0-9_]*))?"#,
                in: document.text
            ) {
                let type = citation[0]!
                checked += 1
                let defined = tests.hasType(type)
                #expect(defined, "\(document.name) cites \(type), which no test defines")
                if let function = citation[1] {
                    let definedFunction = tests.hasFunction(function, in: type)
                    #expect(
                        definedFunction,
                        "\(document.name) cites \(type).\(function), which \(type) does not define"
                    )
                }
            }
        }
        #expect(checked > 10, "the documents cite tests; the pattern found only \(checked)")
    }

    @Test
    func aMisspelledTestIsCaught() throws {
        let tests = try TestSources.read(from: Self.root)
        #expect(tests.hasType("DocumentationReferenceTests"))
        #expect(tests.hasFunction("everyCitedTestExists", in: "DocumentationReferenceTests"))
        #expect(!tests.hasType("AccountMoveLostAnswerTests"))
        #expect(!tests.hasFunction("noSuchTest", in: "DocumentationReferenceTests"))
    }

    // MARK: Routes

    @Test
    func everyCitedRouteIsInTheContract() throws {
        let contract = try OpenAPIOperations.read(Self.root.appendingPathComponent("protocols/openapi.yaml"))
        var checked = 0
        for document in try Self.documents() {
            for citation in Self.matches(of: #"\b(GET|POST|PUT|PATCH|DELETE|HEAD) (/[^\s`|,;?]*)"#, in: document.text) {
                let method = citation[0]!
                let path = Self.trimmingProse(citation[1]!)
                guard Self.ownPathPrefixes.contains(where: path.hasPrefix) else { continue }
                checked += 1
                let declared = contract.contains(method: method, path: path)
                #expect(
                    declared,
                    "\(document.name) cites \(method) \(path), which protocols/openapi.yaml does not declare"
                )
            }
        }
        #expect(checked > 10, "the documents cite routes; the pattern found only \(checked)")
    }

    @Test
    func aRouteOutsideTheContractIsCaught() throws {
        let contract = try OpenAPIOperations.read(Self.root.appendingPathComponent("protocols/openapi.yaml"))
        #expect(contract.contains(method: "POST", path: "/v1/devices/claim"))
        #expect(contract.contains(method: "GET", path: "/v1/devices/{id}"))
        #expect(contract.contains(method: "GET", path: "/v1/devices/5f94c0de/telemetry"))
        #expect(!contract.contains(method: "POST", path: "/v1/pairing/claim"))
        #expect(!contract.contains(method: "GET", path: "/v1/devices/{id}/firmware"))
        #expect(!contract.contains(method: "PUT", path: "/v1/devices/claim"))
    }

    // MARK: Helpers

    /// Each match's capture groups (`nil` where a group did not take part).
    private static func matches(of pattern: String, in text: String) -> [[String?]] {
        let expression = try! NSRegularExpression(pattern: pattern)
        let whole = NSRange(text.startIndex..., in: text)
        return expression.matches(in: text, range: whole).map { match in
            (1..<match.numberOfRanges).map { group in
                Range(match.range(at: group), in: text).map { String(text[$0]) }
            }
        }
    }

    /// A path as prose ends it: without a closing parenthesis or full stop that is not its own.
    private static func trimmingProse(_ path: String) -> String {
        var path = Substring(path)
        while let last = path.last,
            last == "." || last == ":"
                || (last == ")" && path.filter({ $0 == "(" }).count < path.filter({ $0 == ")" }).count)
        {
            path = path.dropLast()
        }
        return String(path)
    }
}

/// The test types and functions defined in the repository's test sources.
private struct TestSources {
    /// Function names by the types whose files define them; test targets count as types too.
    private var functionsByType: [String: Set<String>] = [:]

    static func read(from root: URL) throws -> TestSources {
        var sources = TestSources()
        for directory in ["Tests", "simulators/Tests"] {
            let base = root.appendingPathComponent(directory)
            for target in try FileManager.default.contentsOfDirectory(atPath: base.path) {
                sources.functionsByType[target, default: []].formUnion([])
            }
            guard let files = FileManager.default.enumerator(atPath: base.path) else { continue }
            for case let file as String in files where file.hasSuffix(".swift") {
                let text = try String(contentsOf: base.appendingPathComponent(file), encoding: .utf8)
                let functions = Set(Self.names(after: "func", in: text))
                for type in Self.names(after: "(?:struct|class|enum|extension)", in: text) {
                    sources.functionsByType[type, default: []].formUnion(functions)
                }
            }
        }
        return sources
    }

    func hasType(_ name: String) -> Bool {
        self.functionsByType[name] != nil
    }

    func hasFunction(_ name: String, in type: String) -> Bool {
        self.functionsByType[type]?.contains(name) ?? false
    }

    private static func names(after keyword: String, in text: String) -> [String] {
        let expression = try! NSRegularExpression(pattern: #"\b"# + keyword + #"\s+([A-Za-z_][A-Za-z0-9_]*)"#)
        return expression.matches(in: text, range: NSRange(text.startIndex..., in: text)).compactMap {
            Range($0.range(at: 1), in: text).map { String(text[$0]) }
        }
    }
}

/// The operations `openapi.yaml` declares: each path with its methods.
private struct OpenAPIOperations {
    private var operations: [(method: String, segments: [String])] = []

    /// Reads the `paths:` block: two-space-indented paths, four-space-indented methods.
    static func read(_ file: URL) throws -> OpenAPIOperations {
        var contract = OpenAPIOperations()
        var currentPath: [String]?
        let methods: Set<String> = ["get", "post", "put", "patch", "delete", "head"]
        for line in try String(contentsOf: file, encoding: .utf8).split(
            separator: "\n",
            omittingEmptySubsequences: false
        ) {
            if line.hasPrefix("  /"), line.hasSuffix(":") {
                currentPath = Self.segments(String(line.dropFirst(2).dropLast()))
            } else if !line.hasPrefix(" ") {
                currentPath = nil
            } else if let path = currentPath, line.hasPrefix("    "), !line.hasPrefix("     "), line.hasSuffix(":"),
                methods.contains(String(line.dropFirst(4).dropLast()))
            {
                contract.operations.append((String(line.dropFirst(4).dropLast()).uppercased(), path))
            }
        }
        return contract
    }

    /// Whether `method path` is declared; a `{parameter}` on either side matches any one segment.
    func contains(method: String, path: String) -> Bool {
        let cited = Self.segments(path)
        return self.operations.contains { operation in
            operation.method == method && operation.segments.count == cited.count
                && zip(operation.segments, cited).allSatisfy { declared, cited in
                    declared == cited || declared.hasPrefix("{") || cited.hasPrefix("{") || cited.contains("…")
                }
        }
    }

    private static func segments(_ path: String) -> [String] {
        path.split(separator: "/").map(String.init)
    }
}
