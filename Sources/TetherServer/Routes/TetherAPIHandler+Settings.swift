import Foundation
import TetherAPI
import TetherClient
import TetherCore
import TetherDomain
import TetherStore

/// Settings sync: clients push their edits of synced settings and pull what changed.
extension TetherAPIHandler {
    /// The most changes one pull returns; `more` says when others wait.
    static let settingsPageSize = 1_000

    func syncSettings(_ input: Operations.SyncSettings.Input) async throws -> Operations.SyncSettings.Output {
        let session = try await self.authenticator.session()
        guard case .json(let body) = input.body else { throw TetherError.malformedBody("Expected a JSON body.") }
        let replica = body.replica
        guard (1...64).contains(replica.count), replica != serverReplica,
            replica.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") })
        else { throw TetherError.invalidField("replica", "must be 1-64 letters, digits, '-' or '_', not \"server\"") }
        guard body.since >= 0 else { throw TetherError.invalidField("since", "must not be negative") }
        guard body.changes.count <= Self.settingsPageSize else {
            throw TetherError.invalidField(
                "changes",
                "holds at most \(Self.settingsPageSize) edits; push the rest next"
            )
        }
        let now = self.now
        let edits = try body.changes.enumerated().map { index, change throws(TetherError) in
            try SettingEdit(change, index: index)
        }
        var conflicts: [SettingConflict] = []
        if !edits.isEmpty {
            let validator = SettingEditValidator(
                devices: try await self.devices(namedBy: edits, account: session.account),
                nowMillis: now.milliseconds,
                limitsSnoozes: self.config.alertClock == .wall
            )
            for (index, edit) in edits.enumerated() {
                try validator.validate(edit, index: index, replica: replica)
            }
            conflicts = try await self.store.mergeSettingEdits(
                account: session.account,
                edits,
                now: now,
                caps: AlertSettingsRules.caps
            )
            await self.applySettings(account: session.account)
        }
        let changes = try await self.store.settingChanges(
            account: session.account,
            after: body.since,
            limit: Self.settingsPageSize
        )
        let response = Components.Schemas.SettingsSyncResponse(
            cursor: changes.last?.sequence ?? body.since,
            serverTimeMs: self.now.milliseconds,
            changes: changes.map { Components.Schemas.SettingFieldVersion(SettingEdit(key: $0.key, state: $0.state)) },
            conflicts: conflicts.map { Components.Schemas.SettingConflict($0, detectedAt: now) },
            more: changes.count == Self.settingsPageSize
        )
        return .ok(.init(body: .json(response)))
    }

    /// The account's devices among those `edits` name (as records or as values), looked up one
    /// by one: a push costs the same whatever the account holds.
    private func devices(namedBy edits: [SettingEdit], account: AccountID) async throws -> [Device] {
        var ids: Set<String> = []
        for edit in edits {
            switch edit.key.collection {
            case .device, .rules, .dnd: ids.insert(edit.key.record)
            case .fence, .quietWindow: break
            }
            if ["device_id", "phone_id"].contains(edit.key.field), let id = edit.state.value.string { ids.insert(id) }
        }
        var devices: [Device] = []
        for id in ids.sorted() {
            if let device = try await self.store.device(id: DeviceID(rawValue: id), account: account) {
                devices.append(device)
            }
        }
        return devices
    }

    func listSettingConflicts(
        _ input: Operations.ListSettingConflicts.Input
    ) async throws -> Operations.ListSettingConflicts.Output {
        let session = try await self.authenticator.session()
        let limit = input.query.limit ?? 100
        guard (1...1_000).contains(limit) else { throw TetherError.invalidField("limit", "must be between 1 and 1000") }
        let logged = try await self.store.settingConflicts(account: session.account, limit: limit)
        return .ok(.init(body: .json(logged.map { .init($0.conflict, detectedAt: $0.detectedAt) })))
    }
}
