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
/// A decision the store could not take is kept and retried every tick, so a failed write loses
/// no alert; the telemetry itself was committed before. Engines are rebuilt after a start by
/// replaying stored telemetry (`AlertService+Recovery.swift`); silence, repeats and lapsed
/// suppressions are judged every tick (`AlertService+Clock.swift`) against the wall clock, or
/// with ``AlertClockMode/eventTime`` the newest device time seen, so a replay or a
/// time-compressed simulation gives the same alerts.
public actor AlertService {
    let store: any TelemetryStore & AlertStore & AlertSettingsStore & DeviceStore
    let hub: AlertHub
    let clockMode: AlertClockMode
    let wallClock: @Sendable () -> Date
    let logger: Logger

    var devices: [DeviceID: MonitoredDevice] = [:]
    var accounts: [AccountID: AccountState] = [:]
    /// The newest device time seen, for ``AlertClockMode/eventTime`` (shared by every account:
    /// that mode is for replays and simulations, not for serving many owners).
    var newestEventTime: Int64 = 0
    /// Accounts being loaded, so concurrent first requests load once.
    var loading: [AccountID: Task<Void, any Error>] = [:]
    /// Settings reads in flight per account, so an older read never overwrites a newer one.
    var settingsGeneration: [AccountID: Int] = [:]
    /// Decisions the store did not take yet (it failed); retried every tick.
    var unrecorded: [(DeviceID, AlertDecision)] = []
    /// How much recent telemetry rebuilds an account's engines after a start.
    let replayWindowMilliseconds: Int64
    /// Accounts moving away: the clock's writes for them wait until the move is over (or gone).
    let moves: AccountMoves

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
        /// The account's monitored devices, so work for one account never walks the server's.
        var devices: Set<DeviceID> = []
    }

    /// Creates the service.
    ///
    /// - Parameter replayWindow: How much recent telemetry rebuilds an account's engines after a
    ///   start (more when an episode opened earlier). Default 6 hours.
    public init(
        store: any TelemetryStore & AlertStore & AlertSettingsStore & DeviceStore,
        hub: AlertHub,
        clockMode: AlertClockMode,
        wallClock: @escaping @Sendable () -> Date,
        replayWindow: Duration = .seconds(6 * 3_600),
        logger: Logger
    ) {
        self.init(
            store: store,
            hub: hub,
            clockMode: clockMode,
            wallClock: wallClock,
            replayWindow: replayWindow,
            moves: AccountMoves(),
            logger: logger
        )
    }

    /// Creates the service of a server whose account moves are `moves`.
    init(
        store: any TelemetryStore & AlertStore & AlertSettingsStore & DeviceStore,
        hub: AlertHub,
        clockMode: AlertClockMode,
        wallClock: @escaping @Sendable () -> Date,
        replayWindow: Duration = .seconds(6 * 3_600),
        moves: AccountMoves,
        logger: Logger
    ) {
        self.moves = moves
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

    /// "Now" for a snooze an owner sets: the alert clock, or the wall clock before any event
    /// was seen in ``AlertClockMode/eventTime``.
    public func snoozeClock() -> Date {
        self.clockMode == .eventTime && self.newestEventTime > 0
            ? Date(milliseconds: self.newestEventTime) : self.wallClock()
    }

    // MARK: Inputs

    /// Evaluates events `device` just stored (device-time order), records what they decide, and
    /// returns the alerts that are new or ended.
    ///
    /// - Throws: only when the account's engines cannot be loaded; a decision the store cannot
    ///   take is kept and retried, not thrown.
    @discardableResult
    public func evaluate(_ events: [TelemetryEvent], from device: Device) async throws -> [Alert] {
        guard !events.isEmpty else { return [] }
        self.newestEventTime = max(self.newestEventTime, events.last?.timestamp ?? 0)
        try await self.ensureAccount(device.owner)
        self.monitor(device)
        return await self.record(self.apply(events, from: device))
    }

    /// Runs `events` of `device` through the engines: a device's own, and for a phone's fixes,
    /// those of the devices that follow it.
    func apply(_ events: [TelemetryEvent], from device: Device) -> [(DeviceID, AlertDecision)] {
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
            // The phone's own engine hears its fixes as signs of life (it is the owner: no
            // distance or fence applies to it).
            let own = events.flatMap { event in
                AlertInputs.position(event) == nil ? AlertInputs.own(event) : [.heartbeat(at: event.timestamp)]
            }
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
        let generation = (self.settingsGeneration[account] ?? 0) + 1
        self.settingsGeneration[account] = generation
        let settings = try await self.store.alertSettings(account: account)
        // A later change read newer settings meanwhile: it applies them.
        guard self.settingsGeneration[account] == generation, self.accounts[account] != nil else { return [] }
        self.accounts[account]?.settings = settings
        var decided: [(DeviceID, AlertDecision)] = []
        for id in self.accounts[account]?.devices ?? [] {
            guard let device = self.devices[id] else { continue }
            let rules = self.rules(for: id, kind: device.kind, settings: settings)
            decided += self.devices[id]!.timeline.replaceRules(rules).map { (id, $0) }
        }
        return await self.record(decided)
    }

    /// Forgets a removed device.
    public func forget(device: DeviceID) {
        guard let account = self.devices.removeValue(forKey: device)?.account else { return }
        self.accounts[account]?.devices.remove(device)
        self.accounts[account]?.phoneFixes[device] = nil
    }

    /// Forgets a deleted account.
    public func forget(account: AccountID) {
        for device in self.accounts.removeValue(forKey: account)?.devices ?? [] {
            self.devices[device] = nil
        }
    }

    // MARK: Pieces

    /// Starts a timeline for `device` unless it has one.
    func monitor(_ device: Device) {
        guard self.devices[device.id] == nil, let settings = self.accounts[device.owner]?.settings else { return }
        var timeline = AlertTimeline(rules: self.rules(for: device.id, kind: device.kind, settings: settings))
        // A device heard for the first time (since start) starts from its owner's last fix.
        if device.kind != .phone, let phone = self.phone(for: device.id, account: device.owner),
            let fix = self.accounts[device.owner]?.phoneFixes[phone]
        {
            _ = timeline.process([.ownerFix(fix)])
        }
        self.devices[device.id] = MonitoredDevice(account: device.owner, kind: device.kind, timeline: timeline)
        self.accounts[device.owner]?.devices.insert(device.id)
    }

    /// A phone is judged only on its own battery, emergency button and silence: it is the owner.
    func rules(for device: DeviceID, kind: DeviceKind, settings: AccountAlertSettings) -> AlertRules {
        var rules = AlertRules(settings: settings, device: device)
        if kind == .phone { rules.fences = [] }
        return rules
    }

    /// The phone `device` is measured against: the one its rules name (while that phone is
    /// heard from), else the account's phone with the freshest fix.
    func phone(for device: DeviceID, account: AccountID) -> DeviceID? {
        guard let state = self.accounts[account] else { return nil }
        if let named = state.settings.effectiveRules(for: device).phone, state.phoneFixes[named] != nil {
            return named
        }
        return state.phoneFixes.max { ($0.value.time, $0.key.rawValue) < ($1.value.time, $1.key.rawValue) }?.key
    }

    private func devicesFollowing(phone: DeviceID, account: AccountID) -> [DeviceID] {
        let followers = (self.accounts[account]?.devices ?? []).filter { id in
            self.devices[id]?.kind != .phone && self.phone(for: id, account: account) == phone
        }
        return Array(followers)
    }

    /// Stores decisions (alerts once per episode, ends once) in one transaction and tells the
    /// watchers; returns the alerts that are new or ended. When the store fails, the decisions
    /// wait in ``unrecorded`` for the next tick.
    func record(_ decisions: [(DeviceID, AlertDecision)]) async -> [Alert] {
        let changes = decisions.compactMap { device, decision in self.change(decision, of: device) }
        guard !changes.isEmpty else { return [] }
        let results: [Alert?]
        do {
            results = try await self.store.recordAlertChanges(changes)
        } catch {
            self.logger.error("alert decisions not stored; retrying", metadata: ["error": "\(error)"])
            self.unrecorded += decisions
            return []
        }
        var changed: [Alert] = []
        for (change, result) in zip(changes, results) {
            guard let alert = result else { continue }
            changed.append(alert)
            if case .end = change {
                await self.hub.publish(AlertNotification(event: .ended, alert: alert))
                continue
            }
            Self.decided.increment()
            self.logger.info(
                "alert",
                metadata: [
                    "tether.alert.id": "\(alert.id)", "tether.alert.kind": "\(alert.kind.rawValue)",
                    "tether.device.id": "\(alert.device)",
                    "tether.alert.suppressed_by": "\(alert.suppressedBy ?? "-")",
                ]
            )
            await self.hub.publish(AlertNotification(event: .alert, alert: alert))
        }
        return changed
    }

    /// The store change a decision makes.
    private func change(_ decision: AlertDecision, of device: DeviceID) -> AlertChange? {
        guard let account = self.devices[device]?.account else { return nil }
        if decision.endsEpisode {
            return .end(
                device: device,
                rule: decision.rule,
                episodeStart: decision.episodeStart,
                endedAt: decision.time
            )
        }
        return .raise(
            Alert(
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
                notifiedAt: self.now,
                createdAt: self.wallClock()
            )
        )
    }
}
