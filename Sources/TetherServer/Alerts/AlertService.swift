public import Foundation
public import Logging
import Metrics
import TetherAlerts
public import TetherCore
import TetherGeo
public import TetherStore

/// Runs every device's alert engine on the telemetry the server stores, and records, streams
/// and queues for the webhook what the engines decide.
///
/// Each device has an ``AlertTimeline`` (late and out-of-order uploads are put in their place).
/// A device's own events feed its own timeline; the fixes of the owner's phone (a device of
/// kind `phone`) feed the timelines of the account's other devices: the phone a device names
/// in its rules, else the account's phone with the freshest fix. The store keeps one alert per
/// episode, per device, per rule, so concurrent or repeated decisions are stored once.
///
/// Silence and repeats need a "now": the wall clock, or with ``AlertClockMode/eventTime`` the
/// newest device time seen, so a replay or a time-compressed simulation gives the same alerts.
public actor AlertService {
    private let store: any TetherStorage
    private let hub: AlertHub
    private let clockMode: AlertClockMode
    private let wallClock: @Sendable () -> Date
    private let logger: Logger

    private var devices: [DeviceID: MonitoredDevice] = [:]
    private var accounts: [AccountID: AccountState] = [:]
    /// The newest device time seen, for ``AlertClockMode/eventTime``.
    private var newestEventTime: Int64 = 0
    /// Accounts being loaded, so concurrent first requests load once.
    private var loading: [AccountID: Task<Void, any Error>] = [:]
    /// How much recent telemetry rebuilds an account's engines after a start. Default 6 hours.
    private let replayWindowMilliseconds: Int64

    private static let decided = Counter(label: "tether_alerts_decided")

    struct MonitoredDevice {
        var account: AccountID
        var kind: DeviceKind
        var timeline: AlertTimeline
    }

    struct AccountState {
        var settings: AccountAlertSettings
        /// The newest fix of each of the account's phones.
        var phoneFixes: [DeviceID: PositionFix] = [:]
    }

    /// Creates the service.
    public init(
        store: any TetherStorage,
        hub: AlertHub,
        clockMode: AlertClockMode,
        wallClock: @escaping @Sendable () -> Date,
        replayWindow: Duration = .seconds(6 * 3_600),
        logger: Logger
    ) {
        self.replayWindowMilliseconds = Int64(replayWindow.timeInterval * 1_000)
        self.store = store
        self.hub = hub
        self.clockMode = clockMode
        self.wallClock = wallClock
        self.logger = logger
    }

    /// "Now" for silence and repeats, in milliseconds.
    public var now: Int64 {
        switch self.clockMode {
        case .wall: self.wallClock().milliseconds
        case .eventTime: self.newestEventTime
        }
    }

    // MARK: Inputs

    /// Evaluates events `device` just stored (device-time order), records what they decide, and
    /// returns it.
    @discardableResult
    public func evaluate(_ events: [TelemetryEvent], from device: Device) async throws -> [Alert] {
        guard !events.isEmpty else { return [] }
        self.newestEventTime = max(self.newestEventTime, events.last?.timestamp ?? 0)
        try await self.ensureMonitored(device)
        return try await self.record(self.apply(events, from: device))
    }

    /// Runs `events` of `device` through the engines: a device's own, and for a phone's fixes,
    /// those of the devices that follow it.
    private func apply(_ events: [TelemetryEvent], from device: Device) -> [(DeviceID, AlertDecision)] {
        var decided: [(DeviceID, AlertDecision)] = []
        if device.kind == .phone {
            let fixes = events.compactMap(AlertInputs.position)
            if let newest = fixes.last {
                let previous = self.accounts[device.owner]?.phoneFixes[device.id]
                if previous.map({ $0.time <= newest.time }) ?? true {
                    self.accounts[device.owner]?.phoneFixes[device.id] = newest
                }
            }
            for id in self.devicesFollowing(phone: device.id, account: device.owner) where !fixes.isEmpty {
                decided += self.devices[id]!.timeline.process(fixes.map(AlertInput.ownerFix)).map { (id, $0) }
            }
            let own = events.filter { AlertInputs.position($0) == nil }.flatMap(AlertInputs.own)
            decided += self.devices[device.id]?.timeline.process(own).map { (device.id, $0) } ?? []
        } else {
            let inputs = events.flatMap(AlertInputs.own)
            decided += self.devices[device.id]?.timeline.process(inputs).map { (device.id, $0) } ?? []
        }
        return decided
    }

    /// The owner changed rules, fences or do-not-disturb: every device of the account takes the
    /// new rules, and what they decide at once (a device already outside a new fence) is recorded.
    @discardableResult
    public func settingsChanged(account: AccountID) async throws -> [Alert] {
        try await self.ensureAccount(account)
        let settings = try await self.store.alertSettings(account: account)
        self.accounts[account]?.settings = settings
        var decided: [(DeviceID, AlertDecision)] = []
        for (id, device) in self.devices where device.account == account {
            let rules = self.rules(for: id, kind: device.kind, settings: settings)
            decided += self.devices[id]!.timeline.replaceRules(rules).map { (id, $0) }
        }
        return try await self.record(decided)
    }

    /// Rebuilds the engines of every account that has sent telemetry, so silence and repeats
    /// are judged after a restart even for devices that stay quiet. Run once at start.
    public func recoverAll() async throws {
        for account in try await self.store.accountsWithTelemetry() {
            try await self.ensureAccount(account)
        }
    }

    /// Forgets a removed device.
    public func forget(device: DeviceID) {
        self.devices[device] = nil
        for account in self.accounts.keys {
            self.accounts[account]?.phoneFixes[device] = nil
        }
    }

    /// Forgets a deleted account.
    public func forget(account: AccountID) {
        self.devices = self.devices.filter { $0.value.account != account }
        self.accounts[account] = nil
    }

    // MARK: Checks against the clock

    /// Judges silence for every device and repeats alerts that are due. Called every tick.
    @discardableResult
    public func tick() async throws -> [AlertNotification] {
        let now = self.now
        var decided: [(DeviceID, AlertDecision)] = []
        for id in self.devices.keys {
            if let decision = self.devices[id]!.timeline.checkSilence(now: now) {
                decided.append((id, decision))
            }
        }
        var notifications = try await self.record(decided).map { AlertNotification(event: .alert, alert: $0) }
        notifications += try await self.repeatDue(now: now)
        return notifications
    }

    /// Repeats open, unacknowledged alerts whose device's repeat interval has passed.
    private func repeatDue(now: Int64) async throws -> [AlertNotification] {
        var repeated: [AlertNotification] = []
        for alert in try await self.store.repeatableAlerts(notifiedBefore: now - 60_000, limit: 1_000) {
            let settings: AccountAlertSettings
            if let cached = self.accounts[alert.account]?.settings {
                settings = cached
            } else {
                settings = try await self.store.alertSettings(account: alert.account)
            }
            let interval = Int64(settings.effectiveRules(for: alert.device).repeatIntervalSeconds ?? 0) * 1_000
            guard interval > 0, now - (alert.notifiedAt ?? alert.decidedAt) >= interval else { continue }
            if let updated = try await self.store.recordRepeat(id: alert.id, at: now) {
                let notification = AlertNotification(event: .repeated, alert: updated)
                await self.hub.publish(notification)
                repeated.append(notification)
            }
        }
        return repeated
    }

    // MARK: Pieces

    private func ensureMonitored(_ device: Device) async throws {
        try await self.ensureAccount(device.owner)
        self.monitor(device)
    }

    /// Starts a timeline for `device` unless it has one.
    private func monitor(_ device: Device) {
        guard self.devices[device.id] == nil, let settings = self.accounts[device.owner]?.settings else { return }
        var timeline = AlertTimeline(rules: self.rules(for: device.id, kind: device.kind, settings: settings))
        // A device heard for the first time (since start) starts from its owner's last fix.
        if device.kind != .phone, let phone = self.phone(for: device.id, account: device.owner),
            let fix = self.accounts[device.owner]?.phoneFixes[phone]
        {
            _ = timeline.process([.ownerFix(fix)])
        }
        self.devices[device.id] = MonitoredDevice(account: device.owner, kind: device.kind, timeline: timeline)
    }

    /// Loads the account once (concurrent callers wait for the same load).
    private func ensureAccount(_ account: AccountID) async throws {
        // While a load runs the account is half built: wait for it.
        if let loading = self.loading[account] {
            try await loading.value
            return
        }
        if self.accounts[account] != nil { return }
        let loading = Task { try await self.load(account) }
        self.loading[account] = loading
        defer { self.loading[account] = nil }
        try await loading.value
    }

    /// Loads the account's settings and rebuilds its devices' engines by replaying their
    /// stored telemetry: from ``replayWindowMilliseconds`` before the newest event, or from the
    /// start of the oldest open episode when that is earlier (at most 7 days back). What the
    /// replay decides that the store lacks (a crash after the commit, before the alert) is
    /// recorded now; the rest is already stored and changes nothing.
    private func load(_ account: AccountID) async throws {
        let settings = try await self.store.alertSettings(account: account)
        let devices = try await self.store.devices(account: account)
        let openAlerts = try await self.store.alerts(account: account, device: nil, limit: 10_000)
            .filter { $0.endedAt == nil }
        var newest: Int64?
        for device in devices {
            let last = try await self.store.telemetry(
                device: device.id,
                account: account,
                query: TelemetryQuery(since: Date(milliseconds: 0), limit: 1)
            )
            if let time = last?.first?.event.timestamp { newest = max(newest ?? time, time) }
        }
        self.accounts[account] = AccountState(settings: settings)
        for device in devices { self.monitor(device) }
        guard let newest else { return }

        let oldestOpen = openAlerts.map(\.episodeStart).min() ?? newest
        let from = max(newest - 7 * 86_400_000, min(newest - self.replayWindowMilliseconds, oldestOpen - 600_000))
        var history: [(device: Device, event: TelemetryEvent)] = []
        for device in devices {
            let events = try await self.store.telemetry(
                device: device.id,
                account: account,
                query: TelemetryQuery(since: Date(milliseconds: from), limit: 100_000)
            )
            history += (events ?? []).reversed().map { (device, $0.event) }
        }
        history.sort { $0.event.timestamp < $1.event.timestamp }
        self.newestEventTime = max(self.newestEventTime, newest)
        var decided: [(DeviceID, AlertDecision)] = []
        var start = history.startIndex
        // Consecutive events of one device go in as one batch, the rest in time order.
        while start < history.endIndex {
            let device = history[start].device
            let end = history[start...].firstIndex { $0.device.id != device.id } ?? history.endIndex
            decided += self.apply(history[start..<end].map(\.event), from: device)
            start = end
        }
        for alert in openAlerts where alert.kind == .silent {
            self.devices[alert.device]?.timeline.resumeSilence(since: alert.episodeStart)
        }
        _ = try await self.record(decided)
    }

    /// A phone is judged only on its own battery, emergency button and silence: it is the owner.
    private func rules(for device: DeviceID, kind: DeviceKind, settings: AccountAlertSettings) -> AlertRules {
        var rules = AlertRules(settings: settings, device: device)
        if kind == .phone { rules.fences = [] }
        return rules
    }

    /// The phone `device` is measured against: the one its rules name, else the account's
    /// phone with the freshest fix.
    private func phone(for device: DeviceID, account: AccountID) -> DeviceID? {
        guard let state = self.accounts[account] else { return nil }
        if let named = state.settings.effectiveRules(for: device).phone { return named }
        return state.phoneFixes.max { ($0.value.time, $0.key.rawValue) < ($1.value.time, $1.key.rawValue) }?.key
    }

    private func devicesFollowing(phone: DeviceID, account: AccountID) -> [DeviceID] {
        self.devices.compactMap { id, device in
            device.account == account && device.kind != .phone && self.phone(for: id, account: account) == phone
                ? id : nil
        }
    }

    /// Stores decisions (alerts once per episode, ends once), tells the watchers, returns the
    /// alerts that are new or ended.
    private func record(_ decisions: [(DeviceID, AlertDecision)]) async throws -> [Alert] {
        var changed: [Alert] = []
        let now = self.now
        for (device, decision) in decisions {
            guard let account = self.devices[device]?.account else { continue }
            if decision.endsEpisode {
                guard
                    let ended = try await self.store.endAlertEpisode(
                        device: device,
                        rule: decision.rule,
                        episodeStart: decision.episodeStart,
                        endedAt: decision.time
                    )
                else { continue }
                changed.append(ended)
                await self.hub.publish(AlertNotification(event: .ended, alert: ended))
            } else {
                let alert = Alert(
                    device: device,
                    account: account,
                    kind: decision.kind,
                    rule: decision.rule,
                    episodeStart: decision.episodeStart,
                    decidedAt: decision.time,
                    reason: decision.reason,
                    // An anti-lost decision uses the device's fix, then the phone's.
                    fixes: decision.fixes.enumerated().map { index, fix in
                        AlertFix(
                            source: decision.kind == .antiLost && index == 1 ? "phone" : "device",
                            time: fix.time,
                            latitude: fix.position.latitude,
                            longitude: fix.position.longitude,
                            accuracyMeters: fix.accuracy
                        )
                    },
                    suppressedBy: decision.suppressedBy,
                    notifiedAt: now,
                    createdAt: self.wallClock()
                )
                guard let stored = try await self.store.recordAlert(alert) else { continue }
                Self.decided.increment()
                self.logger.info(
                    "alert",
                    metadata: [
                        "tether.alert.id": "\(stored.id)", "tether.alert.kind": "\(stored.kind.rawValue)",
                        "tether.device.id": "\(device)", "tether.alert.suppressed_by": "\(stored.suppressedBy ?? "-")",
                    ]
                )
                changed.append(stored)
                await self.hub.publish(AlertNotification(event: .alert, alert: stored))
            }
        }
        return changed
    }
}
