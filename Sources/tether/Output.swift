import Foundation

/// Prints results: one JSON value with `--json`, readable text otherwise.
struct Output {
    let json: Bool

    init(_ global: GlobalOptions) {
        self.json = global.json
    }

    /// Prints `value` as one line of JSON.
    func printJSON(_ value: some Encodable) throws {
        let data = try JSONEncoder.tether.encode(value)
        print(String(decoding: data, as: UTF8.self))
        // Streaming commands print a line at a time; a reader on a pipe sees each at once.
        fflush(nil)
    }

    /// Prints `value` as JSON with `--json`, else the `text` lines.
    func emit(_ value: some Encodable, text: () -> String) throws {
        if self.json {
            try self.printJSON(value)
        } else {
            print(text())
            fflush(nil)
        }
    }

    /// Says an edit was queued for the next sync (`{"queued": true}` with `--json`).
    func emitQueued() throws {
        try self.emit(["queued": true]) { "Queued: the server cannot be reached; 'tether sync' sends it later." }
    }

    /// A left-aligned text table with a header row.
    static func table(header: [String], rows: [[String]]) -> String {
        let all = [header] + rows
        let widths = header.indices.map { column in all.map { $0[column].count }.max() ?? 0 }
        return all.map { row in
            row.enumerated().map { index, cell in
                index == row.count - 1 ? cell : cell.padding(toLength: widths[index], withPad: " ", startingAt: 0)
            }.joined(separator: "  ")
        }.joined(separator: "\n")
    }

    /// A time for people: ISO 8601 in UTC, or `never`.
    static func time(_ date: Date?) -> String {
        date.map { $0.formatted(.iso8601) } ?? "never"
    }
}
