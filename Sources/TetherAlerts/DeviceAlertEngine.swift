import Foundation
public import TetherCore
public import TetherGeo

/// A fence with its owner's meaning.
public struct AlertFence: Sendable, Hashable {
    public var id: String
    public var name: String
    public var role: FenceRole
    /// The shape; setting it prepares ``prepared`` again.
    public var geometry: FenceGeometry {
        didSet { self.prepared = PreparedFence(self.geometry, cells: Self.cells) }
    }
    /// The shape with its classified cells, prepared once: what the engine tests fixes against.
    public private(set) var prepared: PreparedFence

    /// Classified cells per fence part: 16 × 16 (64 bytes) place most accuracy circles of a few
    /// metres to a few tens in fences of a few hundred, and every device keeps its own copy.
    static let cells = 256

    /// Creates a fence rule.
    public init(id: String, name: String, role: FenceRole, geometry: FenceGeometry) {
        self.id = id
        self.name = name
        self.role = role
        self.geometry = geometry
        self.prepared = PreparedFence(geometry, cells: Self.cells)
    }
}

/// Every rule that applies to one device.
public struct AlertRules: Sendable, Hashable {
    public var antiLost: AntiLostPolicy
    public var fences: [AlertFence]
    public var doNotDisturb: DoNotDisturb
    /// A battery at or below this percentage raises `low_battery`; it clears 5 points above.
    public var lowBatteryPercent: Int
    /// No telemetry for this long raises `silent`.
    public var silentAfterMilliseconds: Int64

    /// Creates rules; every value has a default.
    public init(
        antiLost: AntiLostPolicy = AntiLostPolicy(),
        fences: [AlertFence] = [],
        doNotDisturb: DoNotDisturb = DoNotDisturb(),
        lowBatteryPercent: Int = 15,
        silentAfterMilliseconds: Int64 = 6 * 3_600_000
    ) {
        self.antiLost = antiLost
        self.fences = fences
        self.doNotDisturb = doNotDisturb
        self.lowBatteryPercent = lowBatteryPercent
        self.silentAfterMilliseconds = silentAfterMilliseconds
    }
}

/// One input to the engine, in device-time order.
public enum AlertInput: Sendable, Hashable {
    case deviceFix(PositionFix)
    case ownerFix(PositionFix)
    case link(ConnectionState, at: Int64)
    case battery(percent: Int, at: Int64)
    case sos(at: Int64)
    /// Anything else the device sent (a scan, usage): it only shows the device is alive.
    case heartbeat(at: Int64)

    /// The input's device time.
    public var time: Int64 {
        switch self {
        case .deviceFix(let fix), .ownerFix(let fix): fix.time
        case .link(_, let time), .battery(_, let time), .sos(let time), .heartbeat(let time): time
        }
    }

    /// Whether the device itself sent this (everything but the phone's fixes): it ends a
    /// silence and counts as hearing from the device.
    public var isFromDevice: Bool {
        if case .ownerFix = self { return false }
        return true
    }

    /// The order the engine needs: device time, then for inputs of the same millisecond link
    /// changes, the phone's fix, the device's fix, battery, emergency, then their values, so any
    /// delivery order of the same inputs sorts the same way.
    public static func inDeviceTimeOrder(_ lhs: AlertInput, _ rhs: AlertInput) -> Bool {
        if lhs.time != rhs.time { return lhs.time < rhs.time }
        if lhs.rank != rhs.rank { return lhs.rank < rhs.rank }
        return lhs.tiebreak.lexicographicallyPrecedes(rhs.tiebreak)
    }

    private var rank: Int {
        switch self {
        case .link: 0
        case .ownerFix: 1
        case .deviceFix: 2
        case .battery: 3
        case .sos: 4
        case .heartbeat: 5
        }
    }

    private var tiebreak: [Double] {
        switch self {
        case .deviceFix(let fix), .ownerFix(let fix): [fix.position.latitude, fix.position.longitude, fix.accuracy]
        case .link(let state, _): [state == .connected ? 0 : 1]
        case .battery(let percent, _): [Double(percent)]
        case .sos, .heartbeat: []
        }
    }
}

/// An alert raised, or an episode ended, with everything needed to explain it.
public struct AlertDecision: Sendable, Hashable {
    /// The alert's kind.
    public var kind: AlertKind
    /// Which rule: `anti_lost`, `keep_in:<fence id>`, `keep_out:<fence id>`, `low_battery`,
    /// `silent`, `sos`. With ``episodeStart`` it identifies the episode, so a store can refuse a
    /// second alert for the same one.
    public var rule: String
    /// Device time at which the episode began (the deciding observation, for an alert).
    public var episodeStart: Int64
    /// Device time of the observation that decided.
    public var time: Int64
    /// Why, for a person: a distance, a fence, a link loss, a battery level.
    public var reason: String
    /// The fixes the decision used, with their accuracy.
    public var fixes: [PositionFix]
    /// What silenced it (`snooze`, `dnd:<id>`, `safe:<fence id>`); `nil` when the owner is told.
    public var suppressedBy: String?
    /// `true` when this ends the episode (recovered, back inside, battery charged, heard again).
    public var endsEpisode: Bool
}

/// The alert engine of one device: pure and synchronous. Feed it inputs in device-time order;
/// it answers the alerts to raise and the episodes that end.
///
/// ```swift
/// var engine = DeviceAlertEngine(rules: rules)
/// for input in inputs.sorted(by: AlertInput.inDeviceTimeOrder) {
///     decisions += engine.process(input)
/// }
/// ```
public struct DeviceAlertEngine: Sendable, Hashable {
    public var rules: AlertRules
    public private(set) var antiLost: AntiLostMonitor
    /// The last decisive relation to each keep-in and keep-out fence, by fence id.
    public private(set) var fenceRelations: [String: FenceRelation] = [:]
    public private(set) var batteryIsLow = false
    public private(set) var lastInputTime: Int64?
    public internal(set) var isSilent = false
    /// When each open episode began, by rule, so its end names the same episode.
    private var episodeStarts: [String: Int64] = [:]

    /// An engine with no history.
    public init(rules: AlertRules) {
        self.rules = rules
        self.antiLost = AntiLostMonitor(policy: rules.antiLost)
    }

    /// Processes one input; returns what it decided (often nothing).
    public mutating func process(_ input: AlertInput) -> [AlertDecision] {
        var decisions: [AlertDecision] = []
        if input.isFromDevice {
            if self.isSilent { decisions.append(self.silenceEnded(at: input.time)) }
            self.lastInputTime = max(self.lastInputTime ?? input.time, input.time)
        }

        switch input {
        case .deviceFix(let fix):
            if let change = self.antiLost.observeDevice(fix) { decisions.append(self.antiLostDecision(change)) }
            decisions += self.checkFences(fix)
        case .ownerFix(let fix):
            if let change = self.antiLost.observeOwner(fix) { decisions.append(self.antiLostDecision(change)) }
        case .link(let state, let time):
            if let change = self.antiLost.observeLink(state, at: time) {
                decisions.append(self.antiLostDecision(change))
            }
        case .battery(let percent, let time):
            if !self.batteryIsLow, percent <= self.rules.lowBatteryPercent {
                self.batteryIsLow = true
                decisions.append(
                    self.decision(.lowBattery, rule: "low_battery", at: time, reason: "battery at \(percent)%")
                )
            } else if self.batteryIsLow, percent > self.rules.lowBatteryPercent + 5 {
                self.batteryIsLow = false
                decisions.append(
                    self.decision(.lowBattery, rule: "low_battery", at: time, reason: "charged", ends: true)
                )
            }
        case .sos(let time):
            // Every press is its own emergency; nothing suppresses it.
            decisions.append(self.decision(.sos, rule: "sos", at: time, reason: "emergency button pressed"))
        case .heartbeat:
            break
        }
        return decisions
    }

    /// Replaces the rules, as an owner changes them.
    ///
    /// A new fence is judged at once against the device's last fix, so a device already outside
    /// a new keep-in fence (or inside a new keep-out one) is reported now, not at its next
    /// crossing; an open episode of a fence that is gone ends.
    public mutating func replaceRules(_ rules: AlertRules) -> [AlertDecision] {
        let kept = Set(rules.fences.map(\.id))
        var decisions: [AlertDecision] = []
        let time = self.antiLost.deviceFix?.time ?? self.lastInputTime ?? 0
        for fence in self.rules.fences where fence.role != .safePlace && !kept.contains(fence.id) {
            let kind: AlertKind = fence.role == .keepIn ? .keepIn : .keepOut
            let rule = "\(kind.rawValue):\(fence.id)"
            if self.episodeStarts[rule] != nil {
                decisions.append(self.decision(kind, rule: rule, at: time, reason: "fence removed", ends: true))
            }
            self.fenceRelations[fence.id] = nil
        }
        self.rules = rules
        self.antiLost.policy = rules.antiLost
        if let fix = self.antiLost.deviceFix {
            decisions += self.checkFences(fix)
        }
        return decisions
    }

    /// Judges silence at `now` (wall time, or the newest event time for replays): one `silent`
    /// alert once nothing came from the device for ``AlertRules/silentAfterMilliseconds``, naming
    /// its last known place and how old it is.
    public mutating func checkSilence(now: Int64) -> AlertDecision? {
        guard !self.isSilent, let last = self.lastInputTime, now - last >= self.rules.silentAfterMilliseconds else {
            return nil
        }
        self.isSilent = true
        let hours = Double(now - last) / 3_600_000
        var reason = "nothing received for \((hours * 10).rounded() / 10) h"
        if let fix = self.antiLost.deviceFix {
            let age = Double(now - fix.time) / 3_600_000
            reason +=
                "; last seen \((age * 10).rounded() / 10) h ago at "
                + "\(fix.position.latitude), \(fix.position.longitude) (±\(Int(fix.accuracy)) m)"
        }
        var decision = self.decision(.silent, rule: "silent", at: now, reason: reason)
        decision.fixes = self.antiLost.deviceFix.map { [$0] } ?? []
        return decision
    }

    /// Whether the engine has an episode of `rule` open.
    func hasOpenEpisode(rule: String) -> Bool {
        self.episodeStarts[rule] != nil
    }

    /// Takes up a silence that an earlier run of the engine reported (its episode began at
    /// `episodeStart`), so it is not reported again and its end names that episode.
    public mutating func resumeSilence(since episodeStart: Int64) {
        self.isSilent = true
        self.episodeStarts["silent"] = episodeStart
    }

    /// Ends a silence: the device was heard at `time`.
    mutating func silenceEnded(at time: Int64) -> AlertDecision {
        self.isSilent = false
        return self.decision(.silent, rule: "silent", at: time, reason: "heard again", ends: true)
    }

    // MARK: Pieces

    private mutating func antiLostDecision(_ change: AntiLostDecision) -> AlertDecision {
        switch change {
        case .lost(let evidence):
            var decision = self.decision(
                .antiLost,
                rule: "anti_lost",
                at: evidence.time,
                reason: evidence.reason.description
            )
            decision.fixes = [evidence.deviceFix, evidence.ownerFix].compactMap { $0 }
            if let fix = evidence.deviceFix, let safe = self.safePlace(holding: fix) {
                decision.suppressedBy = "safe:\(safe.id)"
            }
            return decision
        case .recovered(let time):
            return self.decision(.antiLost, rule: "anti_lost", at: time, reason: "back with owner", ends: true)
        }
    }

    private mutating func checkFences(_ fix: PositionFix) -> [AlertDecision] {
        var decisions: [AlertDecision] = []
        for fence in self.rules.fences where fence.role != .safePlace {
            let relation = FenceRelation(fix, to: fence.prepared)
            guard relation != .uncertain, relation != self.fenceRelations[fence.id] else { continue }
            let previous = self.fenceRelations[fence.id]
            self.fenceRelations[fence.id] = relation
            let kind: AlertKind = fence.role == .keepIn ? .keepIn : .keepOut
            let violating = (fence.role == .keepIn) == (relation == .outside)
            let rule = "\(kind.rawValue):\(fence.id)"
            if violating {
                let verb = fence.role == .keepIn ? "outside" : "inside"
                var decision = self.decision(kind, rule: rule, at: fix.time, reason: "\(verb) \(fence.name)")
                decision.fixes = [fix]
                decisions.append(decision)
            } else if previous != nil {
                let verb = fence.role == .keepIn ? "back inside" : "left"
                decisions.append(
                    self.decision(kind, rule: rule, at: fix.time, reason: "\(verb) \(fence.name)", ends: true)
                )
            }
        }
        return decisions
    }

    /// What silences an alert of `kind` at `time` now, as `suppressed_by` names it: for
    /// `anti_lost` a safe place holding the device's last fix, else do-not-disturb; `nil` when
    /// the owner is to be told (always for `sos`). An open suppressed alert whose silencer has
    /// lapsed (the device left the safe place, the snooze ran out) is told then.
    public func silencer(for kind: AlertKind, at time: Int64) -> String? {
        guard kind.isSilenceable else { return nil }
        if kind == .antiLost, let fix = self.antiLost.deviceFix, let safe = self.safePlace(holding: fix) {
            return "safe:\(safe.id)"
        }
        return self.rules.doNotDisturb.silencer(at: Date(milliseconds: time))?.description
    }

    /// The first safe place that holds the fix's whole accuracy circle.
    private func safePlace(holding fix: PositionFix) -> AlertFence? {
        self.rules.fences.first { $0.role == .safePlace && FenceRelation(fix, to: $0.prepared) == .inside }
    }

    /// An alert (or an episode end) for `rule` decided at `time`. An end names the episode it
    /// ends by the time that episode began.
    private mutating func decision(
        _ kind: AlertKind,
        rule: String,
        at time: Int64,
        reason: String,
        ends: Bool = false
    ) -> AlertDecision {
        var start = time
        if ends {
            start = self.episodeStarts.removeValue(forKey: rule) ?? time
        } else if kind != .sos {
            self.episodeStarts[rule] = time
        }
        var suppressedBy: String?
        if kind.isSilenceable, !ends, let silencer = self.rules.doNotDisturb.silencer(at: Date(milliseconds: time)) {
            suppressedBy = silencer.description
        }
        return AlertDecision(
            kind: kind,
            rule: rule,
            episodeStart: start,
            time: time,
            reason: reason,
            fixes: [],
            suppressedBy: suppressedBy,
            endsEpisode: ends
        )
    }
}
