public import Foundation
public import TetherAPI
public import TetherCore

/// One round of settings sync between a client's ``SettingsReplica`` and its home server:
/// pushes the pending edits, pulls every change after the replica's cursor (page by page), and
/// corrects the replica's clock by the server's.
public enum SettingsSync {
    /// What a sync did.
    public struct Report: Sendable {
        /// Edits the server took (merged, already known, or logged as conflicts).
        public var pushed = 0
        /// Fields pulled.
        public var pulled = 0
        /// Conflicts the pushed edits caused.
        public var conflicts: [SettingConflict] = []
        /// Pending edits the server refused, with its reason; they are dropped.
        public var refused: [(edit: SettingEdit, reason: String)] = []
    }

    /// Syncs `replica` with the server behind `client`; `nowMillis` reads the local clock.
    ///
    /// - Throws: whatever the request throws, except a `400` naming one of the pushed edits:
    ///   that edit is dropped (it could never apply) and the rest are pushed again.
    public static func run(
        _ replica: inout SettingsReplica,
        client: Client,
        nowMillis: @Sendable () -> Int64 = { Date().milliseconds }
    ) async throws -> Report {
        var report = Report()
        while true {
            let edits = replica.edits()
            let sent = nowMillis()
            let response: Components.Schemas.SettingsSyncResponse
            do {
                response = try await client.syncSettings(
                    body: .json(
                        .init(replica: replica.replica, since: replica.cursor, changes: edits.map { .init($0) })
                    )
                ).ok.body.json
            } catch {
                guard let problem = TetherClientFailure.problem(error), problem.status == 400,
                    let index = Self.editIndex(problem.problem.field), edits.indices.contains(index)
                else { throw error }
                replica.dropPending(edits[index].key)
                report.refused.append((edits[index], problem.problem.detail ?? problem.code))
                continue
            }
            replica.acknowledge(edits)
            let changes = try response.changes.enumerated().map { index, change in
                try SettingEdit(change, index: index)
            }
            replica.received(
                changes,
                cursor: response.cursor,
                serverTimeMillis: response.serverTimeMs,
                sentMillis: sent,
                receivedMillis: nowMillis()
            )
            report.pushed += edits.count
            report.pulled += changes.count
            report.conflicts += response.conflicts.compactMap(SettingConflict.init)
            if !response.more && replica.pending.isEmpty { return report }
        }
    }

    /// The index in `changes[3].value`.
    static func editIndex(_ field: String?) -> Int? {
        guard let field, field.hasPrefix("changes["), let close = field.firstIndex(of: "]") else { return nil }
        return Int(field[field.index(field.startIndex, offsetBy: 8)..<close])
    }
}
