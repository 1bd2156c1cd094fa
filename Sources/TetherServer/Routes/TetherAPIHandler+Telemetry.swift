import Foundation
import TetherAPI
import TetherCore
import TetherStore

extension TetherAPIHandler {
    /// Never called: ``GeneratedRoutes`` leaves `POST /v1/telemetry` to the hand-written
    /// ``TelemetryRoute`` (per-event decoding, gzip). The operation stays in the contract so
    /// clients are generated for it.
    func postTelemetry(_ input: Operations.PostTelemetry.Input) async throws -> Operations.PostTelemetry.Output {
        throw TetherError.internalError
    }

    func listTelemetry(_ input: Operations.ListTelemetry.Input) async throws -> Operations.ListTelemetry.Output {
        let session = try await self.authenticator.session()
        let limit = input.query.limit ?? 1_000
        guard (1...10_000).contains(limit) else { throw TetherError.invalidField("limit", "must be 1-10000") }
        if let until = input.query.until, until <= input.query.since {
            throw TetherError.invalidField("until", "must be after since")
        }
        let query = TelemetryQuery(
            since: input.query.since,
            until: input.query.until,
            kind: input.query.kind.flatMap { TelemetryKind(rawValue: $0.rawValue) },
            limit: limit
        )
        let id = DeviceID(rawValue: input.path.deviceId)
        guard let events = try await self.store.telemetry(device: id, account: session.account, query: query) else {
            throw TetherError.notFound("device", field: "deviceId")
        }
        return .ok(
            .init(
                body: .json(.init(deviceId: id.rawValue, events: events.map(Components.Schemas.TelemetryRecord.init)))
            )
        )
    }

    func getDeviceUsage(_ input: Operations.GetDeviceUsage.Input) async throws -> Operations.GetDeviceUsage.Output {
        let session = try await self.authenticator.session()
        let days = input.query.days ?? 7
        guard (1...730).contains(days) else { throw TetherError.invalidField("days", "must be 1-730") }
        let firstDay = UTCDay(self.now).adding(days: Int64(1 - days))
        let id = DeviceID(rawValue: input.path.deviceId)
        guard let usage = try await self.store.dailyUsage(device: id, account: session.account, from: firstDay) else {
            throw TetherError.notFound("device", field: "deviceId")
        }
        let body = Components.Schemas.UsageReport(
            deviceId: id.rawValue,
            from: firstDay.description,
            usage: usage.map(Components.Schemas.DailyUsage.init)
        )
        return .ok(.init(body: .json(body)))
    }

    func getDailyStats(_ input: Operations.GetDailyStats.Input) async throws -> Operations.GetDailyStats.Output {
        try await self.authenticator.requireOperator()
        let firstDay: UTCDay
        if let since = input.query.since {
            guard let day = UTCDay(since) else {
                throw TetherError.invalidField("since", "must be a day like 2026-11-23")
            }
            firstDay = day
        } else {
            firstDay = UTCDay(self.now).adding(days: -30)
        }
        let statistics = try await self.store.dailyStatistics(from: firstDay)
        let body = Components.Schemas.DailyStats(
            from: firstDay.description,
            stats: statistics.map(Components.Schemas.DailyStatistic.init)
        )
        return .ok(.init(body: .json(body)))
    }

    /// What telemetry says about the account's device, for `GET /v1/devices/{id}`; `nil` before
    /// its first event.
    func deviceTelemetry(_ device: DeviceID, account: AccountID) async throws -> Components.Schemas.DeviceTelemetry? {
        guard let state = try await self.store.telemetryState(device: device, account: account),
            state.lastEventAt != nil
        else { return nil }
        let periods =
            try await self.store.connectionPeriods(
                device: device,
                account: account,
                since: self.now.addingTimeInterval(-7 * 86_400)
            ) ?? []
        return Components.Schemas.DeviceTelemetry(state, connectionPeriods: periods)
    }

    /// Every device's events (oldest first) and daily usage, for the account export.
    func exportTelemetry(
        _ devices: [Device],
        account: AccountID
    ) async throws -> [Components.Schemas.DeviceTelemetryExport] {
        var exports: [Components.Schemas.DeviceTelemetryExport] = []
        for device in devices {
            let everything = TelemetryQuery(since: .distantPast, limit: Int.max)
            let events = try await self.store.telemetry(device: device.id, account: account, query: everything) ?? []
            let usage =
                try await self.store.dailyUsage(device: device.id, account: account, from: UTCDay(daysSinceEpoch: 0))
                ?? []
            exports.append(
                .init(
                    deviceId: device.id.rawValue,
                    events: events.reversed().map(Components.Schemas.TelemetryRecord.init),
                    usage: usage.map(Components.Schemas.DailyUsage.init)
                )
            )
        }
        return exports
    }
}
